"""Every write of the live sessions' web pages: schedule, edit, cancel, open the lobby.

``check_<verb>_<noun>`` validates and authorises, then calls ``do_<verb>_<noun>``,
which writes atomically and sends its e-mails when the transaction commits. Bad
input raises ``ValidationError`` (a dict by form field) before anything is
stored; a refusal raises ``PermissionDenied``. The room's writes (start, phases,
messages, moderation) are in ``actions``.

Invitations name nobody: an invitee learns the title, the time and the link, not
who else is invited (the session page shows that to participants only).
Pseudonyms that cannot be invited get one message whether the pseudonym is
unknown or belongs to someone outside the audience, so the form cannot be used to
find out where someone works.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from komma.core.tasks import MailDelivery

from .listing import is_facilitator, may_manage, members_by_pseudonym
from .models import (
    REASON_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Audience,
    LiveSession,
    LogAction,
    Participant,
    Role,
    SessionLog,
    State,
)

DURATION_RANGE = (15, 480)  # minutes
CAPACITY_RANGE = (2, 25)  # participants besides the facilitator; a chat room, not a webinar
DESCRIPTION_MAX_LENGTH = 2_000
MAX_DAYS_AHEAD = 366
# A start a minute ago is still "now" (the form took a while to fill in).
PAST_TOLERANCE = timedelta(minutes=1)
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass
class SessionPlan:
    """What a facilitator enters for a session (the form's cleaned data)."""

    title: str
    starts_at: datetime
    duration_minutes: int
    description: str = ""
    audience: str = Audience.MODEL
    capacity: int = 9
    case_giver: str = ""  # a pseudonym, or "" to cast the case giver in the room
    invitees: list[str] = field(default_factory=list)  # pseudonyms


def split_pseudonyms(text: str) -> list[str]:
    """Pseudonyms from free text: separated by commas, semicolons, spaces or lines;
    a leading "@" is dropped; each kept once (first spelling wins)."""
    seen, names = set(), []
    for raw in _SEPARATORS.split(text or ""):
        name = raw.strip().lstrip("@")
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


@dataclass
class _CleanPlan:
    plan: SessionPlan
    case_giver: object  # User or None
    invitees: list  # Users, the case giver included, the facilitator not


def _clean_plan(user, plan: SessionPlan, session: LiveSession | None = None) -> _CleanPlan:
    """Validate ``plan``; ``session`` when editing. Raises one ValidationError dict."""
    errors = {}
    now = timezone.now()
    title = " ".join((plan.title or "").split())
    if len(title) < 3:
        errors["title"] = _("Please enter a title of at least 3 characters.")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _("The title may have at most %(n)d characters.") % {
            "n": TITLE_MAX_LENGTH
        }
    description = (plan.description or "").strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = _("The description may have at most %(n)d characters.") % {
            "n": DESCRIPTION_MAX_LENGTH
        }
    if "\x00" in title + description:
        errors["description"] = _("The text contains invalid characters.")
    starts_at = plan.starts_at
    unchanged_start = session is not None and starts_at == session.starts_at
    if starts_at is None:
        errors["starts_at"] = _("Please enter the date and time of the start.")
    elif not unchanged_start and starts_at < now - PAST_TOLERANCE:
        errors["starts_at"] = _("The start lies in the past. Please choose a later time.")
    elif starts_at > now + timedelta(days=MAX_DAYS_AHEAD):
        errors["starts_at"] = _("Please schedule at most one year ahead.")
    low, high = DURATION_RANGE
    if not isinstance(plan.duration_minutes, int) or not low <= plan.duration_minutes <= high:
        errors["duration_minutes"] = _(
            "The duration must be between %(low)d and %(high)d minutes."
        ) % {"low": low, "high": high}
    if plan.audience not in Audience.values:
        errors["audience"] = _("Please choose from the list.")
    low, high = CAPACITY_RANGE
    if not isinstance(plan.capacity, int) or not low <= plan.capacity <= high:
        errors["capacity"] = _("The capacity must be between %(low)d and %(high)d.") % {
            "low": low,
            "high": high,
        }
    case_giver_name = (plan.case_giver or "").strip().lstrip("@")
    names = list(plan.invitees)
    found = {}
    if plan.audience in Audience.values:
        wanted = names + ([case_giver_name] if case_giver_name else [])
        found = members_by_pseudonym(plan.audience, wanted)
    facilitator_id = session.created_by_id if session is not None else user.pk

    case_giver = None
    if case_giver_name:
        member = found.get(case_giver_name.lower())
        if member is not None and member.pk == facilitator_id:
            errors["case_giver"] = _(
                "The facilitator cannot be the case giver. Please choose someone else."
            )
        elif member is None:
            errors["case_giver"] = _(
                "No member who may take part in this session has the pseudonym "
                "“%(name)s”. Please check the spelling and the audience."
            ) % {"name": case_giver_name}
        else:
            case_giver = member
    own = [name for name in names if getattr(found.get(name.lower()), "pk", None) == facilitator_id]
    unknown = [name for name in names if found.get(name.lower()) is None]
    if own:
        errors["invitees"] = _(
            "The facilitator takes part anyway. Please remove “%(name)s” from the list."
        ) % {"name": own[0]}
    elif unknown:
        errors["invitees"] = _(
            "No member who may take part in this session has these pseudonyms: %(names)s. "
            "Please check the spelling and the audience."
        ) % {"names": ", ".join(unknown)}
    invitees = []
    if "invitees" not in errors and "case_giver" not in errors:
        invitees = [found[name.lower()] for name in names]
        if case_giver is not None and case_giver not in invitees:
            invitees.insert(0, case_giver)
        if isinstance(plan.capacity, int) and len(invitees) > plan.capacity:
            errors["invitees"] = _(
                "You invited %(count)d people, but the capacity is %(capacity)d participants "
                "besides the facilitator. Please invite fewer people or raise the capacity."
            ) % {"count": len(invitees), "capacity": plan.capacity}
    if errors:
        raise ValidationError(errors)
    plan = SessionPlan(
        title=title, description=description, starts_at=starts_at,
        duration_minutes=plan.duration_minutes, audience=plan.audience, capacity=plan.capacity,
        case_giver=case_giver.pseudonym if case_giver else "", invitees=names,
    )  # fmt: skip
    return _CleanPlan(plan=plan, case_giver=case_giver, invitees=invitees)


# --- Schedule -----------------------------------------------------------------------------
def check_schedule_session(user, plan: SessionPlan) -> LiveSession:
    """Facilitators schedule a session; everyone invited gets an e-mail."""
    if not is_facilitator(user):
        raise PermissionDenied(_("Only facilitators may schedule live sessions."))
    clean = _clean_plan(user, plan)
    return do_schedule_session(user, clean)


@transaction.atomic
def do_schedule_session(user, clean: _CleanPlan) -> LiveSession:
    """Store the session, the facilitator's and the invitees' participation; mail on commit."""
    plan = clean.plan
    session = LiveSession.objects.create(
        title=plan.title, description=plan.description, starts_at=plan.starts_at,
        duration_minutes=plan.duration_minutes, audience=plan.audience, capacity=plan.capacity,
        created_by=user, case_giver=clean.case_giver,
    )  # fmt: skip
    Participant.objects.create(session=session, user=user, role=Role.FACILITATOR, invited_by=user)
    Participant.objects.bulk_create(
        Participant(
            session=session,
            user=invitee,
            invited_by=user,
            role=Role.CASE_GIVER if invitee == clean.case_giver else Role.CONSULTANT,
        )
        for invitee in clean.invitees
    )
    SessionLog.objects.create(session=session, actor=user, action=LogAction.SCHEDULE)
    for invitee in clean.invitees:
        _mail(invitee, session, "invitation")
    return session


# --- Edit ----------------------------------------------------------------------------------
def plan_of(session: LiveSession) -> SessionPlan:
    """The current plan of ``session`` (the edit form's initial data)."""
    people = Participant.objects.filter(session=session).exclude(role=Role.FACILITATOR)
    names = [p.user.pseudonym for p in people.select_related("user").order_by("pk")]
    return SessionPlan(
        title=session.title, description=session.description, starts_at=session.starts_at,
        duration_minutes=session.duration_minutes, audience=session.audience,
        capacity=session.capacity,
        case_giver=session.case_giver.pseudonym if session.case_giver else "",
        invitees=[name for name in names
                  if not session.case_giver or name != session.case_giver.pseudonym],
    )  # fmt: skip


def _check_manage(user, session: LiveSession) -> None:
    if not may_manage(user, session):
        raise PermissionDenied(_("Only facilitators may change live sessions."))


def check_edit_session(user, session: LiveSession, plan: SessionPlan) -> LiveSession:
    """Change a session while it is scheduled. New invitees get an invitation, those
    still invited a note when the time changed, those taken off the list a note."""
    _check_manage(user, session)
    if session.state != State.SCHEDULED:
        raise ValidationError(_("A session can only be changed before its lobby opens."))
    clean = _clean_plan(user, plan, session)
    return do_edit_session(user, session, clean)


@transaction.atomic
def do_edit_session(user, session: LiveSession, clean: _CleanPlan) -> LiveSession:
    session = LiveSession.objects.select_for_update().get(pk=session.pk)
    if session.state != State.SCHEDULED:  # opened meanwhile
        raise ValidationError(_("A session can only be changed before its lobby opens."))
    plan = clean.plan
    moved = (session.starts_at, session.duration_minutes) != (
        plan.starts_at, plan.duration_minutes,
    )  # fmt: skip
    session.title, session.description = plan.title, plan.description
    session.starts_at, session.duration_minutes = plan.starts_at, plan.duration_minutes
    session.audience, session.capacity = plan.audience, plan.capacity
    session.case_giver = clean.case_giver
    session.save()
    current = {
        p.user_id: p
        for p in Participant.objects.filter(session=session)
        .exclude(role=Role.FACILITATOR)
        .select_related("user")
    }
    wanted = {invitee.pk: invitee for invitee in clean.invitees}
    for user_id, participant in current.items():
        if user_id not in wanted:
            participant.delete()
            _mail(participant.user, session, "uninvited")
    for user_id, invitee in wanted.items():
        role = Role.CASE_GIVER if invitee == clean.case_giver else Role.CONSULTANT
        participant = current.get(user_id)
        if participant is None:
            Participant.objects.create(session=session, user=invitee, role=role, invited_by=user)
            _mail(invitee, session, "invitation")
            continue
        if participant.role != role:
            participant.role = role
            participant.save(update_fields=["role"])
        if moved:
            _mail(invitee, session, "changed")
    SessionLog.objects.create(session=session, actor=user, action=LogAction.EDIT)
    return session


# --- Cancel and open ----------------------------------------------------------------------
def check_cancel_session(user, session: LiveSession, reason: str = "") -> LiveSession:
    """Cancel a session that has not started; the invitees are told (no reason sent)."""
    _check_manage(user, session)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": _("The reason may have at most %(n)d characters.")
                % {"n": REASON_MAX_LENGTH}
            }
        )
    if session.state not in (State.SCHEDULED, State.LOBBY):
        raise ValidationError(_("Only a session that has not started can be cancelled."))
    return do_cancel_session(user, session, reason)


@transaction.atomic
def do_cancel_session(user, session: LiveSession, reason: str) -> LiveSession:
    session = LiveSession.objects.select_for_update().get(pk=session.pk)
    if session.state not in (State.SCHEDULED, State.LOBBY):
        raise ValidationError(_("Only a session that has not started can be cancelled."))
    session.state = State.CANCELLED
    session.save(update_fields=["state"])
    SessionLog.objects.create(session=session, actor=user, action=LogAction.CANCEL, reason=reason)
    invitees = Participant.objects.filter(session=session).exclude(role=Role.FACILITATOR)
    for participant in invitees.select_related("user"):
        _mail(participant.user, session, "cancelled")
    return session


def check_open_lobby(user, session: LiveSession) -> LiveSession:
    """Open the lobby: invitees may now enter the room and wait for the start."""
    _check_manage(user, session)
    if session.state != State.SCHEDULED:
        raise ValidationError(_("The lobby of this session is already open or closed."))
    return do_open_lobby(user, session)


@transaction.atomic
def do_open_lobby(user, session: LiveSession) -> LiveSession:
    session = LiveSession.objects.select_for_update().get(pk=session.pk)
    if session.state != State.SCHEDULED:
        raise ValidationError(_("The lobby of this session is already open or closed."))
    session.state = State.LOBBY
    session.opened_at = timezone.now()
    session.save(update_fields=["state", "opened_at"])
    SessionLog.objects.create(session=session, actor=user, action=LogAction.OPEN)
    return session


# --- E-mail ---------------------------------------------------------------------------------
def _subject(kind: str, title: str) -> str:
    subjects = {
        "invitation": _("Invitation to a live consultation: %(title)s"),
        "changed": _("New time for the live consultation: %(title)s"),
        "cancelled": _("Cancelled: %(title)s"),
        "uninvited": _("You are no longer invited: %(title)s"),
    }
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subjects[kind] % {"title": title}


def _mail(recipient, session: LiveSession, kind: str) -> MailDelivery | None:
    """One e-mail to ``recipient`` about ``session``: title, time and links, no names."""
    if not recipient.email or recipient.is_deleted or not recipient.is_active:
        return None
    base = settings.KOMMA_BASE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "title": session.title,
            "start": date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT"),
            "duration": session.duration_minutes,
            "url": base + reverse("live:session", kwargs={"public_id": session.public_id}),
            "ics_url": base + reverse("live:ics", kwargs={"public_id": session.public_id}),
            "kind": kind,
        }
        subject = _subject(kind, session.title)
        body = render_to_string(f"live/email/{kind}.txt", context)
    return MailDelivery(subject, body, [recipient.email])
