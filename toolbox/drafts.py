"""Writes of template drafts: a filled template saved as a private draft of one
municipality, changed and deleted by that municipality's members.

Only here is something a member typed into a template form stored, and only when
they ask for it. ``check_*`` validates and authorises, then calls ``do_*``, which
writes atomically. Who may touch a draft is decided by ``toolbox.access``: a draft
of another municipality does not exist for the caller (404 in the views, before
any of these run).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import access_municipality, toolbox_viewer
from .filling import VALUES_PREFIX, FillForm, template_problems, validate_characters
from .models import TITLE_MAX_LENGTH, Kind, Resource, TemplateDraft


def clean_draft_title(title, resource: Resource) -> str:
    """The draft's title: what the member typed, or the template's title."""
    title = " ".join(str(title or "").split())
    if not title:
        title = resource.title
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": _("The title may have at most %(limit)d characters (it has %(count)d).")
                % {"limit": TITLE_MAX_LENGTH, "count": len(title)}
            }
        )
    try:
        validate_characters(title, multiline=False)
    except ValidationError as err:
        raise ValidationError({"title": err.messages}) from None
    return title


def clean_draft_values(resource: Resource, values: dict) -> dict[str, str]:
    """Validate stored-form values against the template's declared placeholders (as
    the form does), returning what a draft keeps."""
    placeholders = list(resource.placeholders.all())
    if template_problems(resource.template_text, placeholders):
        raise ValidationError(_("This template cannot be used at the moment."), code="broken")
    form = FillForm(
        placeholders,
        data={f"{VALUES_PREFIX}-{k}": v for k, v in (values or {}).items()},
        language=resource.language,
    )
    if not form.is_valid():
        raise ValidationError(
            {
                "values": [
                    f"{form.fields[k].label}: {e}" for k, errs in form.errors.items() for e in errs
                ]
            }
        )
    return form.stored_values()


def _require_member(user, municipality_id) -> "object":
    """The municipality the member saves into (404 for a foreign one)."""
    if not toolbox_viewer(user).is_member:
        raise PermissionDenied(_("Only members of a municipality can save drafts."))
    return access_municipality(user, municipality_id)


def check_save_draft(
    user, resource: Resource, *, values: dict, title: str = "", municipality_id=None
) -> TemplateDraft:
    """Save a filled template as a new draft of the member's municipality.

    ``municipality_id`` chooses among several memberships (``?kommune=``); a
    municipality the user is not a member of is a 404. Partners, editors without a
    municipality and anonymous visitors get ``PermissionDenied``.
    """
    municipality = _require_member(user, municipality_id)
    if resource.kind != Kind.TEMPLATE or not resource.live:
        raise ValidationError(_("Only published templates can be saved as drafts."))
    title = clean_draft_title(title, resource)
    stored = clean_draft_values(resource, values)
    return do_save_draft(user, resource, municipality, title=title, values=stored)


def do_save_draft(user, resource, municipality, *, title: str, values: dict) -> TemplateDraft:
    """Create the draft (values already validated)."""
    now = timezone.now()
    with transaction.atomic():
        return TemplateDraft.objects.create(
            municipality=municipality,
            resource=resource,
            title=title,
            values=values,
            created_by=user,
            updated_by=user,
            created_at=now,
            updated_at=now,
        )


def check_update_draft(
    user, draft: TemplateDraft, *, values: dict, title: str = ""
) -> TemplateDraft:
    """Change a draft's title and values. ``draft`` comes from ``access_draft``; the
    membership is checked again, in case it ended since."""
    _require_member(user, draft.municipality_id)
    title = clean_draft_title(title, draft.resource)
    stored = clean_draft_values(draft.resource, values)
    return do_update_draft(draft, user, title=title, values=stored)


def do_update_draft(draft: TemplateDraft, user, *, title: str, values: dict) -> TemplateDraft:
    """Write the new title and values, and who changed them when."""
    draft.title = title
    draft.values = values
    draft.updated_by = user
    draft.updated_at = timezone.now()
    with transaction.atomic():
        draft.save(update_fields=["title", "values", "updated_by", "updated_at"])
    return draft


def check_delete_draft(user, draft: TemplateDraft) -> None:
    """Delete a draft of the member's municipality."""
    _require_member(user, draft.municipality_id)
    do_delete_draft(draft, user)


def do_delete_draft(draft: TemplateDraft, user) -> None:
    """Delete the draft for good (it is the municipality's own data; no audit entry)."""
    with transaction.atomic():
        TemplateDraft.objects.filter(pk=draft.pk).delete()
