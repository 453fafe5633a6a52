"""Who may see what in the toolbox. The one place that decides.

Resources (``models.Visibility``), from open to closed:

=========  ===================================================================
level      who reads resources of this level
=========  ===================================================================
public     everyone, anonymous visitors included
partners   accounts of the role Allianzpartner, and every network member
network    network members: every other logged-in, active account (members of
           municipalities, editors, moderators, facilitators)
=========  ===================================================================

So an alliance partner without a municipality reads public and partner resources,
and a member reads all three. Unpublished resources are read by nobody here (editors
preview them in the admin).

Municipal data (template drafts, checklist progress, incident records) belongs to
one municipality and is read and written only by that municipality's members. For
everyone else it does not exist: the lookups below raise 404, never 403, so that
nobody learns that a record exists.

What a viewer is costs one query per request (cached on the user object).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404

from komma.accounts.models import Municipality
from komma.accounts.roles import ROLES

from .models import IncidentRecord, Resource, TemplateDraft, Visibility

ANONYMOUS_LEVELS = (Visibility.PUBLIC,)
PARTNER_LEVELS = (Visibility.PUBLIC, Visibility.PARTNERS)
NETWORK_LEVELS = (Visibility.PUBLIC, Visibility.PARTNERS, Visibility.NETWORK)

EDITOR_ROLES = ("editor", "reviewer", "admin")


@dataclass(frozen=True)
class ToolboxViewer:
    """What the toolbox rules need to know about the person looking."""

    user_id: int | None
    levels: tuple[str, ...]
    municipality_ids: tuple[int, ...] = ()
    is_editor: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_member(self) -> bool:
        """Member of at least one municipality (has drafts, checklists, records)."""
        return bool(self.municipality_ids)


def toolbox_viewer(user) -> ToolboxViewer:
    """The viewer facts of ``user`` (one query, cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ToolboxViewer(user_id=None, levels=ANONYMOUS_LEVELS)
    cached = getattr(user, "_toolbox_viewer", None)
    if cached is not None:
        return cached
    partner_group = ROLES["alliance_partner"].group_name
    editor_groups = [ROLES[key].group_name for key in EDITOR_ROLES if key in ROLES]
    # Not type(user): request.user is a SimpleLazyObject.
    rows = list(
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list("memberships__municipality_id", "groups__name")
    )
    municipality_ids = tuple(sorted({m for m, _g in rows if m is not None}))
    groups = {g for _m, g in rows if g}
    is_editor = user.is_superuser or bool(groups & set(editor_groups))
    only_partner = partner_group in groups and not municipality_ids and not is_editor
    viewer = ToolboxViewer(
        user_id=user.pk,
        levels=PARTNER_LEVELS if only_partner else NETWORK_LEVELS,
        municipality_ids=municipality_ids,
        is_editor=is_editor,
    )
    user._toolbox_viewer = viewer
    return viewer


def visible_resources(user):
    """Published resources ``user`` may read (a queryset, filtered in SQL)."""
    viewer = toolbox_viewer(user)
    return Resource.objects.filter(live=True, visibility__in=viewer.levels)


def access_resource(user, slug: str, kind: str | None = None) -> Resource:
    """The published resource ``slug`` (of ``kind``, if given) with its download, if
    ``user`` may read it; else 404. One query. The only "resource by slug" lookup:
    resource pages, template filling and checklists all use it."""
    resources = visible_resources(user)
    if kind is not None:
        resources = resources.filter(kind=kind)
    resource = resources.filter(slug=slug).select_related("document").first()
    if resource is None:
        raise Http404
    return resource


def member_municipalities(user) -> list[Municipality]:
    """The municipalities whose toolbox data ``user`` shares, by name."""
    viewer = toolbox_viewer(user)
    if not viewer.municipality_ids:
        return []
    return list(Municipality.objects.filter(pk__in=viewer.municipality_ids).order_by("name"))


def access_municipality(user, municipality_id=None) -> Municipality:
    """The municipality whose data ``user`` works on: the given one if they are a
    member of it, else their only (first) one; 404 when they have none or pass a
    foreign or malformed id."""
    viewer = toolbox_viewer(user)
    if not viewer.municipality_ids:
        raise Http404
    if municipality_id in (None, ""):
        chosen = viewer.municipality_ids[0]
    else:
        try:
            chosen = int(municipality_id)
        except (TypeError, ValueError):
            raise Http404 from None
        if chosen not in viewer.municipality_ids:
            raise Http404
    municipality = Municipality.objects.filter(pk=chosen).first()
    if municipality is None:
        raise Http404
    return municipality


def own_municipality_q(user, field: str = "municipality_id") -> Q:
    """A filter for rows of the municipalities ``user`` belongs to (matches nothing
    for everyone else)."""
    viewer = toolbox_viewer(user)
    return (
        Q(**{f"{field}__in": viewer.municipality_ids}) if viewer.municipality_ids else Q(pk__in=[])
    )


def access_draft(user, draft_id) -> TemplateDraft:
    """A template draft of one of ``user``'s municipalities; else 404."""
    try:
        pk = int(draft_id)
    except (TypeError, ValueError):
        raise Http404 from None
    draft = (
        TemplateDraft.objects.filter(own_municipality_q(user), pk=pk)
        .select_related("resource", "municipality")
        .first()
    )
    if draft is None:
        raise Http404
    return draft


def access_incident(user, public_id) -> IncidentRecord:
    """An incident record of one of ``user``'s municipalities; else 404."""
    import uuid

    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    record = (
        IncidentRecord.objects.filter(own_municipality_q(user), public_id=key)
        .select_related("municipality")
        .first()
    )
    if record is None:
        raise Http404
    return record
