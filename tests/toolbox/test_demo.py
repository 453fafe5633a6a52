"""Demo content of the toolbox: resources of every kind, template type and situation,
published; the playbook; a checklist in progress; a sample incident record with a
screenshot; seeding twice creates nothing twice."""

import pytest
from django.urls import reverse
from PIL import Image as PILImage

import toolbox.demo  # noqa: F401  (connects the demo_data receiver until receivers.py imports it)
from komma.core.demo import seed_demo
from tests.toolbox.conftest import client_for
from tests.toolbox.incident_fixtures import *  # noqa: F403  (the media_root fixture)
from toolbox.filling import template_problems
from toolbox.models import (
    Audience,
    Channel,
    ChecklistItem,
    ChecklistProgress,
    ChecklistRun,
    FaqEntry,
    Format,
    IncidentRecord,
    IncidentScreenshot,
    Kind,
    Playbook,
    PlaybookStep,
    Resource,
    ReviewStatus,
    Situation,
    TemplatePlaceholder,
    TemplateType,
    Visibility,
)

pytestmark = pytest.mark.django_db

COUNTED = [
    Resource, TemplatePlaceholder, ChecklistItem, FaqEntry, Playbook, PlaybookStep,
    ChecklistProgress, ChecklistRun, IncidentRecord, IncidentScreenshot,
]  # fmt: skip


def counts():
    from wagtail.models import Revision

    numbers = {model.__name__: model.objects.count() for model in COUNTED}
    numbers["revisions"] = Revision.objects.filter(
        content_type__app_label="toolbox", content_type__model="resource"
    ).count()
    return numbers


def test_demo_toolbox(media_root):
    """One seeding (it takes seconds), every property checked on it."""
    ctx = seed_demo()
    assert any("toolbox resources" in message for message in ctx.messages)
    check_every_kind_type_and_situation()
    check_published_with_metadata()
    check_templates_are_usable()
    check_playbook()
    check_checklist_in_progress(ctx)
    check_incident_record(ctx, media_root)
    check_pages_of_a_demo_member(ctx)
    before = counts()
    seed_demo()
    assert counts() == before


def check_every_kind_type_and_situation():
    resources = Resource.objects.all()
    assert resources.count() >= 14
    for field, choices in (
        ("kind", Kind), ("situation", Situation), ("channel", Channel),
        ("audience", Audience), ("format", Format), ("visibility", Visibility),
        ("review_status", ReviewStatus),
    ):  # fmt: skip
        assert set(resources.values_list(field, flat=True)) == set(choices.values), field
    types = set(resources.filter(kind=Kind.TEMPLATE).values_list("template_type", flat=True))
    assert types == set(TemplateType.values)
    for kind in Kind.values:
        situations = set(resources.filter(kind=kind).values_list("situation", flat=True))
        assert len(situations) >= 2, kind
    titles = set(resources.values_list("title", flat=True))
    assert "Pressemitteilung nach einem Angriff auf Mitarbeitende" in titles
    assert "Die ersten 24 Stunden nach einem Angriff auf Mitarbeitende" in titles


def check_published_with_metadata():
    for resource in Resource.objects.all():
        assert resource.live and resource.live_revision_id, resource.slug
        assert not resource.has_unpublished_changes, resource.slug
        assert resource.summary and resource.publisher
        if resource.review_status != ReviewStatus.UNREVIEWED:
            assert resource.reviewed_by_role and resource.last_reviewed, resource.slug
    legal = Resource.objects.filter(review_status=ReviewStatus.LEGAL)
    assert legal.filter(kind=Kind.TEMPLATE).exists() and legal.filter(kind=Kind.GUIDE).exists()
    assert any(r.is_stale for r in Resource.objects.exclude(last_reviewed=None))
    evidence = Resource.objects.get(slug="leitfaden-beweissicherung")
    for element in ("Inhalt", "Datum", "Uhrzeit des Screenshots", "Account", "Kontext"):
        assert element in evidence.body


def check_templates_are_usable():
    for template in Resource.objects.filter(kind=Kind.TEMPLATE).prefetch_related("placeholders"):
        assert template.template_text
        assert template_problems(template.template_text, template.placeholders.all()) == [], (
            template.slug
        )
    for checklist in Resource.objects.filter(kind=Kind.CHECKLIST):
        assert checklist.items.count() >= 4, checklist.slug
    for faq in Resource.objects.filter(kind=Kind.FAQ):
        assert faq.faq_entries.count() >= 3, faq.slug


def check_playbook():
    playbook = Playbook.objects.get(slug="erste-24-stunden-nach-einem-vorfall")
    assert playbook.live and playbook.title == "Die ersten 24 Stunden nach einem Vorfall"
    assert playbook.alliance_situation == "attack_on_staff"
    steps = list(playbook.steps.order_by("sort_order"))
    assert len(steps) >= 4
    assert steps[0].checklist.slug == "checkliste-erste-24-stunden"
    assert any(step.show_contacts for step in steps)
    linked = {t.kind for step in steps for t in step.templates.all()}
    assert linked == {Kind.TEMPLATE}
    assert sum(step.templates.count() for step in steps) >= 5


def check_checklist_in_progress(ctx):
    town = ctx.municipalities["14629"]
    checklist = Resource.objects.get(slug="checkliste-erste-24-stunden")
    done = ChecklistProgress.objects.filter(municipality=town, item__resource=checklist)
    assert 0 < done.count() < checklist.items.count()
    assert done.exclude(note="").exists()
    assert set(done.values_list("checked_by__pseudonym", flat=True)) == {"MutigeEiche"}
    assert ChecklistRun.objects.filter(municipality=town, resource=checklist).exists()


def check_incident_record(ctx, root):
    record = IncidentRecord.objects.get()
    assert record.municipality == ctx.municipalities["14629"]
    assert record.account_name and record.content_text and record.url and record.context
    shot = record.screenshots.get()
    assert shot.captured_at > record.occurred_at
    path = root / shot.file.name
    assert path.is_file() and path.stat().st_size == shot.size
    with PILImage.open(path) as image:
        assert image.size == (shot.width, shot.height)
        assert not image.getexif()


def check_pages_of_a_demo_member(ctx):
    member = client_for(ctx.people["MutigeEiche"])
    page = member.get(
        reverse("toolbox:checklist", kwargs={"slug": "checkliste-erste-24-stunden"})
    ).content.decode()
    assert "5 of 12 steps done" in page and "MutigeEiche" in page
    response = member.get(
        reverse("toolbox:playbook", kwargs={"slug": "erste-24-stunden-nach-einem-vorfall"})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sachsen" in page and "/allianz/organisation/" in page  # demo directory contacts
