"""Wagtail's default groups would bypass the four-eyes review; the setup retires them."""

from django.contrib.auth.models import Group
from wagtail.models import Workflow

from komma.review.setup import ensure_review_workflow


def test_wagtail_default_groups_are_gone(db):
    ensure_review_workflow()
    assert not Group.objects.filter(name__in=["Moderators", "Editors"]).exists()
    assert not Workflow.objects.filter(name="Moderators approval", active=True).exists()
    assert Workflow.objects.filter(name="Vier-Augen-Prüfung", active=True).exists()


def test_a_default_group_with_members_is_kept(db, make_member):
    group, _ = Group.objects.get_or_create(name="Moderators")
    make_member("AlteModeratorin").groups.add(group)
    ensure_review_workflow()
    assert Group.objects.filter(name="Moderators").exists()
