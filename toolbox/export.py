"""The toolbox's part of a member's GDPR export (hook ``personal_data_export``).

What the toolbox holds about the member: their "hilfreich" votes, the template
drafts they created or last changed (title, template and values; for drafts of a
municipality they no longer belong to only the title and dates), the incident
records they created (title and date only: the records are their municipality's
evidence, exported in full from the incident pages), and the checklist steps they
checked. Nothing about other people: colleagues who also edited a draft are not
named. Usage counters are anonymous totals and hold nothing about anyone.

``toolbox_export`` is connected here; importing this module (``toolbox.receivers``)
connects it.
"""

from django.db.models import Q
from django.dispatch import receiver

from plugins.hooks import personal_data_export

from .models import ChecklistProgress, Feedback, IncidentRecord, TemplateDraft


def _when(value):
    return value.isoformat() if value else None


def personal_data(user) -> dict:
    """A JSON-serialisable dict of the toolbox data about ``user``."""
    feedback = [
        {
            "resource": vote.resource.title,
            "helpful": vote.helpful,
            "created_at": _when(vote.created_at),
        }
        for vote in Feedback.objects.filter(user=user).select_related("resource").order_by("pk")
    ]
    # A draft belongs to its municipality, and colleagues keep changing it. Who left
    # the municipality gets no longer its current text (possibly colleagues' words),
    # only that the draft exists and when they worked on it.
    current = set(user.memberships.values_list("municipality_id", flat=True))
    drafts = []
    for draft in (
        TemplateDraft.objects.filter(Q(created_by=user) | Q(updated_by=user))
        .select_related("resource", "municipality")
        .order_by("pk")
    ):
        entry = {
            "id": draft.pk,
            "title": draft.title,
            "created_by_you": draft.created_by_id == user.pk,
            "last_changed_by_you": draft.updated_by_id == user.pk,
            "created_at": _when(draft.created_at),
            "updated_at": _when(draft.updated_at),
        }
        if draft.municipality_id in current:
            entry.update(
                template=draft.resource.title,
                municipality=draft.municipality.name,
                values=dict(draft.values or {}),
            )
        else:
            entry["former_municipality"] = True
        drafts.append(entry)
    incidents = [
        {
            "title": record.title,
            "occurred_at": _when(record.occurred_at),
            "created_at": _when(record.created_at),
        }
        for record in IncidentRecord.objects.filter(created_by=user).order_by("pk")
    ]
    checked = [
        {
            "checklist": step.item.resource.title,
            "step": step.item.text,
            "checked_at": _when(step.checked_at),
            "note": step.note,
        }
        for step in ChecklistProgress.objects.filter(checked_by=user)
        .select_related("item__resource")
        .order_by("pk")
    ]
    return {
        "feedback": feedback,
        "template_drafts": drafts,
        "incident_records_created": incidents,
        "checklist_steps_checked": checked,
    }


@receiver(personal_data_export, dispatch_uid="toolbox.export.personal_data")
def toolbox_export(sender, user, **kwargs):
    """Hook ``personal_data_export``: the section ``toolbox``."""
    return {"toolbox": personal_data(user)}
