"""The toolbox's part of the GDPR export: the member's own votes, drafts, incident
records and checked steps; nothing about other people."""

import json

import pytest
from django.utils import timezone

import toolbox.export  # noqa: F401  (connects the receiver, as toolbox.receivers does)
from plugins.hooks import personal_data_export
from tests.toolbox.filling_fixtures import *  # noqa: F403
from tests.toolbox.filling_fixtures import FILL_IDENTITIES
from toolbox.models import (
    ChecklistItem,
    ChecklistProgress,
    Feedback,
    IncidentRecord,
    Kind,
    TemplateDraft,
)

pytestmark = pytest.mark.django_db


def export_of(user) -> dict:
    sections = {}
    for _receiver, response in personal_data_export.send(sender=None, user=user):
        sections.update(response or {})
    return sections


@pytest.fixture
def toolbox_data(fill_cast, fill_towns, make_template):
    a, a2, b = fill_cast["member_a"], fill_cast["member_a2"], fill_cast["member_b"]
    template = make_template()
    checklist = make_template("", [], kind=Kind.CHECKLIST, title="Die ersten 24 Stunden")
    step = ChecklistItem.objects.create(resource=checklist, text="Beweise sichern")
    other_step = ChecklistItem.objects.create(resource=checklist, text="Polizei informieren")
    Feedback.objects.create(resource=template, user=a, helpful=True)
    Feedback.objects.create(resource=checklist, user=b, helpful=False)
    now = timezone.now()
    mine = TemplateDraft.objects.create(
        municipality=fill_towns["a"],
        resource=template,
        title="Mein Entwurf",
        values={"Kommune": "Erlenbach"},
        created_by=a,
        updated_by=a2,
    )
    TemplateDraft.objects.create(
        municipality=fill_towns["a"],
        resource=template,
        title="Entwurf der Kollegin",
        values={"Kommune": "Geheim"},
        created_by=a2,
        updated_by=a2,
    )
    changed = TemplateDraft.objects.create(
        municipality=fill_towns["a"],
        resource=template,
        title="Von mir geändert",
        values={},
        created_by=a2,
        updated_by=a,
    )
    IncidentRecord.objects.create(
        municipality=fill_towns["a"],
        title="Schmiererei am Rathaus",
        occurred_at=now,
        platform="Rathaus",
        created_by=a,
        content_text="Beleidigender Text im Detail",
    )
    IncidentRecord.objects.create(
        municipality=fill_towns["a"],
        title="Fremder Eintrag",
        occurred_at=now,
        platform="Web",
        created_by=a2,
    )
    ChecklistProgress.objects.create(
        municipality=fill_towns["a"], item=step, checked_by=a, note="erledigt"
    )
    ChecklistProgress.objects.create(municipality=fill_towns["a"], item=other_step, checked_by=a2)
    return {"mine": mine, "changed": changed}


def test_export_holds_the_members_own_toolbox_data(fill_cast, toolbox_data):
    data = export_of(fill_cast["member_a"])["toolbox"]
    assert [(v["resource"], v["helpful"]) for v in data["feedback"]] == [
        ("Pressemitteilung nach einem Vorfall", True)
    ]
    drafts = {d["title"]: d for d in data["template_drafts"]}
    assert set(drafts) == {"Mein Entwurf", "Von mir geändert"}
    assert drafts["Mein Entwurf"]["values"] == {"Kommune": "Erlenbach"}
    assert (
        drafts["Mein Entwurf"]["created_by_you"]
        and not drafts["Mein Entwurf"]["last_changed_by_you"]
    )
    assert drafts["Von mir geändert"]["last_changed_by_you"]
    assert [r["title"] for r in data["incident_records_created"]] == ["Schmiererei am Rathaus"]
    assert set(data["incident_records_created"][0]) == {"title", "occurred_at", "created_at"}
    assert data["checklist_steps_checked"] == [
        {
            "checklist": "Die ersten 24 Stunden",
            "step": "Beweise sichern",
            "checked_at": data["checklist_steps_checked"][0]["checked_at"],
            "note": "erledigt",
        }
    ]


def test_export_is_json_and_names_no_colleague(fill_cast, toolbox_data):
    text = json.dumps(export_of(fill_cast["member_a"])["toolbox"], ensure_ascii=False)
    assert "Geheim" not in text and "Fremder Eintrag" not in text
    assert "Beleidigender Text" not in text
    colleague = FILL_IDENTITIES["VorlagenFuchs"]
    for part in (*colleague, "VorlagenFuchs"):
        assert part not in text


def test_member_without_toolbox_data_gets_empty_lists(fill_cast, toolbox_data):
    data = export_of(fill_cast["partner"])["toolbox"]
    assert data == {
        "feedback": [],
        "template_drafts": [],
        "incident_records_created": [],
        "checklist_steps_checked": [],
    }


def test_drafts_of_a_former_municipality_keep_only_title_and_dates(
    fill_cast, fill_towns, toolbox_data
):
    from komma.accounts.models import Membership

    member = fill_cast["member_a"]
    # A colleague rewrites the draft after the member left the municipality.
    Membership.objects.filter(user=member, municipality=fill_towns["a"]).delete()
    TemplateDraft.objects.filter(pk=toolbox_data["mine"].pk).update(
        values={"Kommune": "Neuer Text der Kollegin 5521"}
    )
    data = export_of(member)["toolbox"]
    drafts = {d["title"]: d for d in data["template_drafts"]}
    assert set(drafts) == {"Mein Entwurf", "Von mir geändert"}
    for entry in drafts.values():
        assert set(entry) == {
            "id", "title", "created_by_you", "last_changed_by_you", "created_at",
            "updated_at", "former_municipality",
        }  # fmt: skip
    text = json.dumps(data, ensure_ascii=False)
    assert "5521" not in text and "Erlenbach" not in text
    # A colleague still in the municipality gets the current values.
    colleague = export_of(fill_cast["member_a2"])["toolbox"]["template_drafts"]
    assert {d["title"]: d.get("values") for d in colleague}["Entwurf der Kollegin"] == {
        "Kommune": "Geheim"
    }
