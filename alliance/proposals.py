"""Partner self-service and the editors' review queue: every write, and its reads.

Nothing a partner or an applicant submits goes live unreviewed. A submission is a
``ChangeProposal`` whose ``payload`` holds the proposed values in the form of
:func:`snapshot`; an editor approves it (the values are applied atomically, the entry
counts as verified by the editorial team now) or rejects it with a reason. Both are
logged in Wagtail's log (who, what, when, why) and the submitter is told.

Review decision on conflicts: ``base`` keeps the entry's values when the partner
proposed. Approval applies only what the partner *changed* against ``base``, so an
edit that went live in between (another proposal, an editor) is not silently undone.
The review diff marks such fields ("changed since the proposal").

``check_<verb>_<noun>`` authorises and validates, then calls ``do_<verb>_<noun>``.
Missing rights raise ``PermissionDenied``; bad input ``ValidationError``; nothing
changes in either case.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from wagtail.log_actions import log

from komma.core.ratelimit import allow
from komma.core.tasks import MailDelivery

from .access import directory_viewer
from .models import (
    LANGUAGES,
    ChangeProposal,
    ChannelKind,
    ChannelVisibility,
    ContactChannel,
    Location,
    Organization,
    ProposalKind,
    ProposalStatus,
    ServiceArea,
    ServiceAreaScope,
    Topic,
    VerifierRole,
)

REASON_MAX_LENGTH = 1_000
APPLICATIONS_PER_HOUR = 5  # per client IP
ORG_FIELDS = ("name", "alternate_name", "category", "description", "website", "status",
              "accessibility")  # fmt: skip
LOCATION_FIELDS = ("name", "address_1", "postal_code", "city", "bundesland", "latitude",
                   "longitude")  # fmt: skip
CHANNEL_FIELDS = ("kind", "value", "label", "visibility")
AREA_FIELDS = ("scope", "bundesland", "ags", "name")

# Wagtail log actions (registered in ``wagtail_hooks``).
LOG_ACTIONS = {
    "alliance.proposal_approve": (
        gettext_noop("Approve proposal"),
        gettext_noop("Directory proposal approved"),
    ),
    "alliance.proposal_reject": (
        gettext_noop("Reject proposal"),
        gettext_noop("Directory proposal rejected"),
    ),
    "alliance.entry_confirm": (
        gettext_noop("Confirm entry"),
        gettext_noop("Directory entry confirmed as current"),
    ),
}


# --- Who ---------------------------------------------------------------------------------
def may_review(user) -> bool:
    """Editors of the directory (roles Redaktion, Redaktion Freigabe, Administration
    through ``freshness.alliance_role_permissions``; superusers)."""
    return bool(
        user.is_authenticated and user.is_active
        and user.has_perm("alliance.change_changeproposal")
    )  # fmt: skip


def check_reviewer(user) -> None:
    if not may_review(user):
        raise PermissionDenied(_("Only the editorial team reviews directory entries."))


def may_propose(user, organization) -> bool:
    """Only an account with a *verified* partner link to the organisation proposes."""
    return organization.pk in directory_viewer(user).own_organization_ids


# --- Payloads ----------------------------------------------------------------------------
def snapshot(organization: Organization) -> dict:
    """The entry's current values in payload form (4 queries)."""
    location = Location.objects.filter(organization=organization).first()
    return {
        **{name: getattr(organization, name) for name in ORG_FIELDS},
        "topics": sorted(organization.topics.values_list("slug", flat=True)),
        "languages": organization.language_codes,
        "location": {
            name: (
                getattr(location, name)
                if location
                else ("" if name not in ("latitude", "longitude") else None)
            )
            for name in LOCATION_FIELDS
        },
        "channels": [
            {name: getattr(channel, name) for name in CHANNEL_FIELDS}
            for channel in ContactChannel.objects.filter(organization=organization)
        ],
        "service_areas": [
            {name: getattr(area, name) for name in AREA_FIELDS}
            for area in ServiceArea.objects.filter(organization=organization)
        ],
    }


def _text(value) -> str:
    return "" if value is None else str(value)


def clean_payload(payload: dict) -> dict:
    """Validate a payload with the models' own rules; returns the normalised payload.

    Raises one ``ValidationError`` listing every problem (a form has shown them
    field by field already; this is the second line of defence).
    """
    if not isinstance(payload, dict):
        raise ValidationError(_("The proposal is malformed."))
    errors: list[str] = []
    clean = {name: _text(payload.get(name)).strip() for name in ORG_FIELDS}
    org = Organization(**clean, slug="x")
    try:
        org.full_clean(exclude=["slug", "search_text"], validate_unique=False)
    except ValidationError as exc:
        errors += [f"{name}: {'; '.join(msgs)}" for name, msgs in exc.message_dict.items()]
    topics = sorted({_text(slug) for slug in payload.get("topics") or []})
    known = set(Topic.objects.filter(slug__in=topics).values_list("slug", flat=True))
    if set(topics) - known:
        errors.append(_("Unknown topics: %(slugs)s") % {"slugs": ", ".join(set(topics) - known)})
    clean["topics"] = topics
    languages = [_text(code) for code in payload.get("languages") or []]
    if any(code not in LANGUAGES for code in languages):
        errors.append(_("Unknown language codes."))
    clean["languages"] = list(dict.fromkeys(languages))
    raw_location = payload.get("location") or {}
    location = {name: raw_location.get(name) for name in LOCATION_FIELDS}
    for name in ("name", "address_1", "postal_code", "city", "bundesland"):
        location[name] = _text(location[name]).strip()
    try:
        Location(**location).full_clean(exclude=["organization"], validate_unique=False)
    except ValidationError as exc:
        errors += [f"{name}: {'; '.join(msgs)}" for name, msgs in exc.message_dict.items()]
    clean["location"] = location
    clean["channels"] = []
    for row in payload.get("channels") or []:
        channel = {name: _text(row.get(name)).strip() for name in CHANNEL_FIELDS}
        try:
            ContactChannel(**channel).full_clean(exclude=["organization", "position"])
        except ValidationError as exc:
            errors += [f"{name}: {'; '.join(msgs)}" for name, msgs in exc.message_dict.items()]
        clean["channels"].append(channel)
    clean["service_areas"] = []
    for row in payload.get("service_areas") or []:
        area = {name: _text(row.get(name)).strip() for name in AREA_FIELDS}
        if area["scope"] == ServiceAreaScope.NATIONWIDE:
            area.update(bundesland="", ags="")
        try:
            ServiceArea(**area).full_clean(exclude=["organization"])
        except ValidationError as exc:
            errors += [f"{name}: {'; '.join(msgs)}" for name, msgs in exc.message_dict.items()]
        clean["service_areas"].append(area)
    if errors:
        raise ValidationError(errors)
    return clean


def changed_keys(base: dict, payload: dict) -> list[str]:
    """What ``payload`` changes against ``base``: organisation fields, ``topics``,
    ``languages``, ``location.<field>``, ``channels`` and ``service_areas``."""
    keys = [name for name in (*ORG_FIELDS, "topics", "languages")
            if base.get(name) != payload.get(name)]  # fmt: skip
    base_location, location = base.get("location") or {}, payload.get("location") or {}
    keys += [f"location.{name}" for name in LOCATION_FIELDS
             if base_location.get(name) != location.get(name)]  # fmt: skip
    keys += [name for name in ("channels", "service_areas")
             if (base.get(name) or []) != (payload.get(name) or [])]  # fmt: skip
    return keys


def _get(data: dict, key: str):
    if key.startswith("location."):
        return (data.get("location") or {}).get(key.split(".", 1)[1])
    return data.get(key)


# --- The diff ------------------------------------------------------------------------------
FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "alternate_name": gettext_lazy("Alternate name"),
    "category": gettext_lazy("Category"),
    "description": gettext_lazy("Description"),
    "website": gettext_lazy("Website"),
    "status": gettext_lazy("Status"),
    "accessibility": gettext_lazy("Accessibility"),
    "topics": gettext_lazy("Topics"),
    "languages": gettext_lazy("Languages offered"),
    "location.name": gettext_lazy("Name of the location"),
    "location.address_1": gettext_lazy("Street and number"),
    "location.postal_code": gettext_lazy("Postal code"),
    "location.city": gettext_lazy("City"),
    "location.bundesland": gettext_lazy("Federal state"),
    "location.latitude": gettext_lazy("Latitude"),
    "location.longitude": gettext_lazy("Longitude"),
}  # fmt: skip


def _label(key: str) -> str:
    return str(FIELD_LABELS[key])


def _display(key: str, value) -> str:
    """A value as the editor reads it (choice labels, names of topics and languages)."""
    from komma.accounts.choices import Bundesland

    from .models import Category, Status

    if value in (None, "", []):
        return ""
    if key == "category":
        return str(dict(Category.choices).get(value, value))
    if key == "status":
        return str(dict(Status.choices).get(value, value))
    if key == "location.bundesland":
        return str(dict(Bundesland.choices).get(value, value))
    if key == "topics":
        names = dict(Topic.objects.filter(slug__in=value).values_list("slug", "name"))
        return ", ".join(names.get(slug, slug) for slug in value)
    if key == "languages":
        return ", ".join(str(LANGUAGES.get(code, code)) for code in value)
    return str(value)


@dataclass
class DiffRow:
    key: str
    label: str
    current: str
    proposed: str
    changed: bool  # the proposal changes this field
    conflict: bool = False  # the live entry changed since the proposal was made


@dataclass
class ChannelRow:
    kind: str
    value: str
    state: str  # "unchanged", "added", "removed", "changed"
    label_before: str = ""
    label_after: str = ""
    visibility_before: str = ""
    visibility_after: str = ""


@dataclass
class ProposalDiff:
    fields: list[DiffRow] = field(default_factory=list)
    channels: list[ChannelRow] = field(default_factory=list)
    areas_current: list[str] = field(default_factory=list)
    areas_proposed: list[str] = field(default_factory=list)
    areas_changed: bool = False
    changed_count: int = 0

    @property
    def channels_changed(self) -> bool:
        return any(row.state != "unchanged" for row in self.channels)


def _channel_key(channel: dict) -> tuple[str, str]:
    return (channel.get("kind", ""), " ".join(_text(channel.get("value")).split()).lower())


def channel_diff(current: list[dict], proposed: list[dict]) -> list[ChannelRow]:
    """Channels matched by kind and value: kept, added, removed, or with another label
    or visibility."""
    kinds = dict(ChannelKind.choices)
    levels = dict(ChannelVisibility.choices)
    before = {_channel_key(c): c for c in current}
    after = {_channel_key(c): c for c in proposed}
    rows = []
    for key, channel in after.items():
        old = before.get(key)
        state = "added"
        if old is not None:
            same = old.get("label") == channel.get("label") and old.get(
                "visibility"
            ) == channel.get("visibility")
            state = "unchanged" if same else "changed"
        rows.append(
            ChannelRow(
                kind=str(kinds.get(channel.get("kind"), channel.get("kind"))),
                value=channel.get("value", ""),
                state=state,
                label_before=(old or {}).get("label", ""),
                label_after=channel.get("label", ""),
                visibility_before=str(levels.get((old or {}).get("visibility"), "")),
                visibility_after=str(levels.get(channel.get("visibility"), "")),
            )
        )
    for key, channel in before.items():
        if key not in after:
            rows.append(
                ChannelRow(
                    kind=str(kinds.get(channel.get("kind"), channel.get("kind"))),
                    value=channel.get("value", ""),
                    state="removed",
                    label_before=channel.get("label", ""),
                    visibility_before=str(levels.get(channel.get("visibility"), "")),
                )
            )
    return rows


def _area_text(area: dict) -> str:
    from komma.accounts.choices import Bundesland

    scopes = dict(ServiceAreaScope.choices)
    scope = area.get("scope")
    if scope == ServiceAreaScope.NATIONWIDE:
        return str(scopes[scope])
    if scope == ServiceAreaScope.BUNDESLAND:
        return f"{scopes[scope]}: {dict(Bundesland.choices).get(area.get('bundesland'), '')}"
    name = " ".join(part for part in (area.get("name"), f"({area.get('ags')})") if part)
    return f"{scopes.get(scope, scope)}: {name}"


def proposal_diff(proposal: ChangeProposal, current: dict | None = None) -> ProposalDiff:
    """Field-by-field: the live entry (``current``) against the proposal's values."""
    if current is None:
        current = snapshot(proposal.organization) if proposal.organization_id else {}
    base = proposal.base if proposal.organization_id else {}
    payload = proposal.payload
    partner_changed = set(changed_keys(base, payload)) if base else None
    diff = ProposalDiff()
    for key in FIELD_LABELS:
        now, new = _get(current, key), _get(payload, key)
        changed = _display(key, now) != _display(key, new)
        conflict = bool(
            base and partner_changed is not None and key in partner_changed
            and _get(base, key) != now
        )  # fmt: skip
        diff.fields.append(
            DiffRow(key, _label(key), _display(key, now), _display(key, new), changed, conflict)
        )
    diff.channels = channel_diff(current.get("channels") or [], payload.get("channels") or [])
    diff.areas_current = [_area_text(a) for a in current.get("service_areas") or []]
    diff.areas_proposed = [_area_text(a) for a in payload.get("service_areas") or []]
    diff.areas_changed = diff.areas_current != diff.areas_proposed
    diff.changed_count = (
        sum(row.changed for row in diff.fields)
        + sum(row.state != "unchanged" for row in diff.channels)
        + int(diff.areas_changed)
    )
    return diff


# --- Partner: propose ------------------------------------------------------------------------
def pending_proposal(user, organization) -> ChangeProposal | None:
    return ChangeProposal.objects.filter(
        organization=organization, submitted_by=user, kind=ProposalKind.CHANGE,
        status=ProposalStatus.PENDING,
    ).first()  # fmt: skip


def check_submit_proposal(user, organization: Organization, payload: dict) -> ChangeProposal:
    """A verified partner proposes new values for its organisation's entry. One pending
    proposal per organisation and partner: a second submission updates it."""
    if not may_propose(user, organization):
        raise PermissionDenied(_("Only a verified partner of this organisation may propose."))
    payload = clean_payload(payload)
    current = snapshot(organization)
    if not changed_keys(current, payload):
        raise ValidationError(_("You have not changed anything."), code="unchanged")
    return do_submit_proposal(user, organization, payload, current)


def do_submit_proposal(user, organization, payload, current) -> ChangeProposal:
    with transaction.atomic():
        # Serialise submissions of one organisation: one pending proposal per partner.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        proposal = pending_proposal(user, organization)
        if proposal is None:
            proposal = ChangeProposal(
                organization=organization, submitted_by=user, kind=ProposalKind.CHANGE
            )
        proposal.payload, proposal.base = payload, current
        proposal.created_at = timezone.now()
        proposal.save()
    return proposal


def check_withdraw_proposal(user, proposal: ChangeProposal) -> None:
    if proposal.submitted_by_id != user.pk or proposal.status != ProposalStatus.PENDING:
        raise PermissionDenied(_("Only your own pending proposal can be withdrawn."))
    proposal.delete()


def own_proposal(user, pk) -> ChangeProposal:
    """A proposal ``user`` submitted, for its status page; 404 otherwise.

    Only while the account still speaks for the organisation: the page shows the
    entry's current values, hidden channels included, which a former partner (link
    removed or no longer verified) must not see any more.
    """
    proposal = (
        ChangeProposal.objects.select_related("organization")
        .filter(pk=pk, submitted_by=user, kind=ProposalKind.CHANGE)
        .first()
    )
    if proposal is None or not may_propose(user, proposal.organization):
        raise Http404
    return proposal


# --- Public: apply -----------------------------------------------------------------------------
def check_submit_application(payload, *, applicant_email, applicant_name, client_ip,
                             honeypot="") -> ChangeProposal | None:  # fmt: skip
    """A new organisation applies through the public form.

    A filled honeypot is refused silently (``None``, nothing stored: the bot learns
    nothing). More than ``APPLICATIONS_PER_HOUR`` per client address are refused with
    a message. No e-mail goes out on receipt (the form must not send mail to any
    address typed in); the applicant hears from the editors on their decision.
    """
    if (honeypot or "").strip():
        return None
    if not allow("alliance-apply", client_ip or "unknown", APPLICATIONS_PER_HOUR, 3600):
        raise ValidationError(
            _("Too many applications from your connection. Please try again in an hour."),
            code="rate_limited",
        )
    payload = clean_payload(payload)
    applicant_email = (applicant_email or "").strip()
    if not applicant_email:
        raise ValidationError({"applicant_email": _("Please give your e-mail address.")})
    return ChangeProposal.objects.create(
        kind=ProposalKind.NEW_APPLICATION, payload=payload, base={},
        applicant_email=applicant_email, applicant_name=(applicant_name or "").strip()[:200],
    )  # fmt: skip


# --- Editors: review -----------------------------------------------------------------------------
def review_queue(user):
    """Pending proposals, oldest first (the editors' queue; 1 query)."""
    check_reviewer(user)
    return (
        ChangeProposal.objects.filter(status=ProposalStatus.PENDING)
        .select_related("organization", "submitted_by")
        .order_by("created_at", "pk")
    )


def recent_decisions(user, limit=20):
    check_reviewer(user)
    return list(
        ChangeProposal.objects.exclude(status=ProposalStatus.PENDING)
        .select_related("organization", "submitted_by", "reviewed_by")
        .order_by("-reviewed_at", "-pk")[:limit]
    )


def access_proposal(user, pk) -> ChangeProposal:
    check_reviewer(user)
    proposal = (
        ChangeProposal.objects.select_related("organization", "submitted_by", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def clean_reason(reason: str, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": _("Please give a reason.")}, code="required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("At most %(n)d characters, please.") % {"n": REASON_MAX_LENGTH}}
        )
    return reason


def _pending_for_update(proposal) -> ChangeProposal:
    locked = ChangeProposal.objects.select_for_update().filter(pk=proposal.pk).first()
    if locked is None or locked.status != ProposalStatus.PENDING:
        raise ValidationError(_("This proposal has already been decided."), code="state")
    return locked


def check_approve_proposal(editor, proposal: ChangeProposal, note: str = "") -> Organization:
    """Apply the proposal; the entry counts as verified by the editorial team now."""
    check_reviewer(editor)
    note = clean_reason(note, required=False)
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError(_("This proposal has already been decided."), code="state")
    payload = clean_payload(proposal.payload)
    return do_approve_proposal(editor, proposal, payload, note)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def do_apply_payload(organization: Organization, payload: dict, keys) -> None:
    """Write the ``keys`` of ``payload`` (see ``changed_keys``) to the live entry."""
    keys = set(keys)
    org_fields = [name for name in ORG_FIELDS if name in keys]
    for name in org_fields:
        setattr(organization, name, payload[name])
    if "languages" in keys:
        organization.language_codes = payload["languages"]
    organization.save()
    if "topics" in keys:
        organization.topics.set(Topic.objects.filter(slug__in=payload["topics"]))
    location_fields = [name for name in LOCATION_FIELDS if f"location.{name}" in keys]
    if location_fields:
        location = Location.objects.filter(organization=organization).first() or Location(
            organization=organization, **payload["location"]
        )
        for name in location_fields:
            setattr(location, name, payload["location"][name])
        location.save()
    if "channels" in keys:
        ContactChannel.objects.filter(organization=organization).delete()
        ContactChannel.objects.bulk_create(
            ContactChannel(organization=organization, position=index, **channel)
            for index, channel in enumerate(payload["channels"])
        )
    if "service_areas" in keys:
        ServiceArea.objects.filter(organization=organization).delete()
        ServiceArea.objects.bulk_create(
            ServiceArea(organization=organization, **area) for area in payload["service_areas"]
        )


def do_approve_proposal(editor, proposal, payload, note) -> Organization:
    now = timezone.now()
    with transaction.atomic():
        proposal = _pending_for_update(proposal)
        if proposal.kind == ProposalKind.NEW_APPLICATION:
            organization = Organization(slug=_unique_slug(payload["name"]))
            keys = changed_keys({}, payload)
        else:
            organization = Organization.objects.select_for_update().get(pk=proposal.organization_id)
            keys = changed_keys(proposal.base or {}, payload)
        organization.last_verified_at = now
        organization.verified_by_role = VerifierRole.EDITOR
        do_apply_payload(organization, payload, keys)
        proposal.organization = organization
        proposal.status = ProposalStatus.APPROVED
        proposal.reviewed_by, proposal.reviewed_at, proposal.reason = editor, now, note
        proposal.save()
        log(instance=organization, action="alliance.proposal_approve", user=editor,
            data={"reason": note, "proposal": proposal.pk, "kind": proposal.kind,
                  "fields": sorted(keys)})  # fmt: skip
        _notify_decision(proposal)
    _reindex(organization)
    return organization


def check_reject_proposal(editor, proposal: ChangeProposal, reason: str) -> ChangeProposal:
    """Refuse the proposal with a reason; the entry stays as it is."""
    check_reviewer(editor)
    reason = clean_reason(reason)
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError(_("This proposal has already been decided."), code="state")
    return do_reject_proposal(editor, proposal, reason)


def do_reject_proposal(editor, proposal, reason) -> ChangeProposal:
    with transaction.atomic():
        proposal = _pending_for_update(proposal)
        proposal.status = ProposalStatus.REJECTED
        proposal.reviewed_by, proposal.reviewed_at, proposal.reason = editor, timezone.now(), reason
        proposal.save()
        log(
            instance=proposal.organization or proposal,
            action="alliance.proposal_reject",
            user=editor,
            data={"reason": reason, "proposal": proposal.pk, "kind": proposal.kind},
        )
        _notify_decision(proposal)
    return proposal


def _notify_decision(proposal: ChangeProposal) -> MailDelivery | None:
    """Tell the submitter. A partner gets a short e-mail without content (the reason
    is on "Meine Einträge"); the public applicant, who has no account, gets the
    decision and the reason. No e-mail names the editor."""
    from django.conf import settings

    base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    approved = proposal.status == ProposalStatus.APPROVED
    if proposal.kind == ProposalKind.CHANGE:
        user = proposal.submitted_by
        if user is None or not user.is_active or not user.email:
            return None
        subject = _("KomMA directory: your proposed change has been reviewed")
        body = _(
            "The editorial team has reviewed your proposed change to a directory entry.\n\n"
            "You find the decision on your page “My entries”:\n%(url)s\n"
        ) % {"url": base_url + reverse("alliance:my_entries")}
        return MailDelivery(subject, body, [user.email])
    if not proposal.applicant_email:
        return None
    name = proposal.payload.get("name", "")
    if approved:
        subject = _("KomMA directory: your organisation has been added")
        body = _(
            "Thank you for your application. The editorial team has added “%(name)s” to the "
            "KomMA alliance directory.\n\n%(note)s"
        ) % {"name": name, "note": proposal.reason}
    else:
        subject = _("KomMA directory: your application")
        body = _(
            "Thank you for your application for “%(name)s”. The editorial team has not added "
            "it to the KomMA alliance directory, for this reason:\n\n%(reason)s\n"
        ) % {"name": name, "reason": proposal.reason}
    return MailDelivery(subject, body, [proposal.applicant_email])


def _reindex(organization) -> None:
    """Re-index the entry after the commit. ``Organization.save`` schedules it as
    well; the applied payload also changes related rows (topics, location)."""
    from .search import reindex_organization

    transaction.on_commit(lambda: reindex_organization(organization.pk))


# --- Partner: "Meine Einträge" ------------------------------------------------------------
@dataclass
class OwnEntry:
    organization: Organization
    verified: bool
    pending: ChangeProposal | None = None
    decided: list = field(default_factory=list)

    @property
    def is_stale(self) -> bool:
        return self.organization.is_stale


def my_entries(user) -> list[OwnEntry]:
    """The organisations ``user`` is linked to (verified or awaiting verification), with
    the user's pending and recently decided proposals (2 queries)."""
    from .models import PartnerLink

    links = list(
        PartnerLink.objects.filter(user=user).select_related("organization")
        .order_by("organization__name")
    )  # fmt: skip
    entries = {link.organization_id: OwnEntry(link.organization, link.verified) for link in links}
    proposals = ChangeProposal.objects.filter(
        submitted_by=user, kind=ProposalKind.CHANGE, organization_id__in=entries.keys()
    ).order_by("-created_at", "-pk")
    for proposal in proposals:
        entry = entries[proposal.organization_id]
        if proposal.status == ProposalStatus.PENDING:
            entry.pending = proposal
        elif len(entry.decided) < 3:
            entry.decided.append(proposal)
    return list(entries.values())
