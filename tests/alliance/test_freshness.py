# ruff: noqa: F811  (pytest fixtures imported from partner_cast are used as arguments)
"""Freshness: entries not verified for 12 months are flagged to editors (dashboard)
and to the entry's partner ("Meine Einträge"), who confirms with one click."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from alliance.freshness import DirectoryDashboardPanel, directory_dashboard_panel
from alliance.models import Organization

from .partner_cast import logged_in, orgs, people, towns  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def aged(org, days):
    when = None if days is None else timezone.now() - timedelta(days=days)
    Organization.objects.filter(pk=org.pk).update(last_verified_at=when)


@pytest.fixture
def ages(orgs):
    """Linden 400 days, Elster 300 days, a third never verified, a fourth 366 days."""
    aged(orgs["linden"], 400)
    aged(orgs["elster"], 300)
    never = Organization.objects.create(name="Nie geprueft e. V.", slug="nie", category="other")
    just = Organization.objects.create(
        name="Knapp ueberfaellig", slug="knapp", category="other",
        last_verified_at=timezone.now() - timedelta(days=366),
    )  # fmt: skip
    return {"never": never, "just": just}


def panel_html(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    panels = directory_dashboard_panel(sender=None, request=request)
    return panels[0].render_html({"request": request}) if panels else None


def test_editors_role_has_the_review_permissions():
    group = Group.objects.get(name="Redaktion")
    assert group.permissions.filter(codename="change_changeproposal").exists()


def test_dashboard_flags_entries_over_twelve_months_only(people, orgs, ages):
    html = panel_html(people["editor"])
    assert "Beratungsnetz Lindenau" in html
    assert "Nie geprueft e. V." in html
    assert "Knapp ueberfaellig" in html
    assert "Lokalzeitung Elsterblick" not in html  # 300 days: not yet


def test_dashboard_panel_is_for_editors_only(people, ages):
    for role in ("partner", "coordinator", "guest"):
        assert panel_html(people[role]) is None


def test_dashboard_panel_on_the_admin_home(people, ages):
    html = logged_in(people["editor"]).get("/admin/").content.decode()
    assert 'id="alliance-directory-section"' in html or "alliance-directory" in html
    assert "Nie geprueft e. V." in html


def test_panel_counts_beyond_its_limit(people, orgs):
    for n in range(12):
        Organization.objects.create(name=f"Alt {n:02d}", slug=f"alt-{n}", category="other")
    request = RequestFactory().get("/admin/")
    request.user = people["editor"]
    context = DirectoryDashboardPanel(request).get_context_data()
    assert len(context["stale"]) == 10
    assert context["stale_total"] == 12 and context["stale_more"] == 2


def test_partner_is_asked_to_check_a_stale_entry(people, orgs, ages):
    html = logged_in(people["partner"]).get(reverse("alliance:my_entries")).content.decode()
    assert "Please check:" in html
    html = logged_in(people["foreign"]).get(reverse("alliance:my_entries")).content.decode()
    assert "Please check:" not in html  # Elster is 300 days old


def test_one_click_confirmation(people, orgs, ages):
    linden = orgs["linden"]
    url = reverse("alliance:confirm_current", args=[linden.pk])
    assert logged_in(people["waiting"]).post(url).status_code == 404
    assert logged_in(people["foreign"]).post(url).status_code == 404
    linden.refresh_from_db()
    assert timezone.now() - linden.last_verified_at > timedelta(days=399)
    response = logged_in(people["partner"]).post(url)
    assert response.status_code == 302
    linden.refresh_from_db()
    assert timezone.now() - linden.last_verified_at < timedelta(minutes=1)
    assert linden.verified_by_role == "partner"
    entry = ModelLogEntry.objects.get(action="alliance.entry_confirm")
    assert entry.user_id == people["partner"].pk
    assert "Beratungsnetz Lindenau" not in panel_html(people["editor"])
    html = logged_in(people["partner"]).get(reverse("alliance:my_entries")).content.decode()
    assert "Please check:" not in html


def test_confirmation_is_post_only(people, orgs):
    url = reverse("alliance:confirm_current", args=[orgs["linden"].pk])
    assert logged_in(people["partner"]).get(url).status_code == 405
