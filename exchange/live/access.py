"""Who may enter a live session and who runs it. The one place that decides.

Facilitators of a session are

- its ``created_by`` (who scheduled it),
- a participant cast as ``Role.FACILITATOR``,
- every member of the role "Moderation Live-Beratung" (group). Decision: the
  role's members may enter and run *any* session, so that a colleague can stand in
  for an ill facilitator without rescheduling; each of their acts is logged with
  their pseudonym in ``SessionLog``.

Participants (everyone else) must

- be invited (a ``Participant`` row) and not removed (``removed_at`` unset),
- still belong to the session's audience: a membership in a model municipality
  (``Audience.MODEL``) or in any municipality of the network (``Audience.MEMBERS``);
  who leaves their municipality loses the session,
- find the session open (lobby or live) and not full.

Facilitators may also enter a scheduled session (their arrival opens the lobby).

WebSocket close codes (``plugins.routing``): 4404 unknown session, 4403 not invited,
removed, not in the audience any more, ended/cancelled, not open yet, or full.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from komma.accounts.choices import ProgrammeStatus
from komma.accounts.models import Membership
from komma.accounts.roles import ROLES
from plugins.routing import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND

from .models import Audience, LiveSession, Participant, Phase, Role, State

FACILITATOR_GROUP = ROLES["facilitator"].group_name


def presence_ttl() -> timedelta:
    """How long a connection counts as online after its last heartbeat (see consumers)."""
    return timedelta(seconds=getattr(settings, "LIVE_PRESENCE_TTL_SECONDS", 30))


def is_live_facilitator(user) -> bool:
    """Member of the role "Moderation Live-Beratung" (may schedule and run any session)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, "_live_facilitator", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=FACILITATOR_GROUP).exists()
        user._live_facilitator = cached
    return cached


def is_session_facilitator(user, session, participant=None, *, group_facilitator=None) -> bool:
    """Does ``user`` run ``session``? (creator, cast facilitator, or the role's member)."""
    if group_facilitator is None:
        group_facilitator = is_live_facilitator(user)
    if group_facilitator:
        return True
    if session.created_by_id is not None and session.created_by_id == user.pk:
        return True
    return participant is not None and participant.role == Role.FACILITATOR


def audience_memberships(audience: str):
    """Memberships that qualify for a session of ``audience`` (for ``Exists``)."""
    memberships = Membership.objects.all()
    if audience == Audience.MODEL:
        memberships = memberships.filter(municipality__programme_status=ProgrammeStatus.MODEL)
    return memberships


def in_audience(user, session) -> bool:
    return audience_memberships(session.audience).filter(user=user).exists()


class RoomRefused(Exception):
    """The WebSocket is closed with ``code`` after ``frames`` were sent."""

    def __init__(self, code: int, reason: str, frames=()):
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.frames = list(frames)


@dataclass
class RoomAccess:
    """Who entered which room, as the consumer and the actions need it."""

    session: LiveSession
    participant: Participant | None
    is_facilitator: bool
    group_facilitator: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def room(self) -> str:
        return str(self.session.public_id)


def _load(public_id):
    try:
        return LiveSession.objects.get(public_id=public_id)
    except (LiveSession.DoesNotExist, ValueError, TypeError):
        return None


def access_session(user, public_id) -> RoomAccess:
    """May ``user`` connect to the room of session ``public_id``? Raise ``RoomRefused``.

    Does not write (the consumer's ``enter_room`` in ``actions`` does: joins the
    facilitator, opens the lobby, marks presence).
    """
    session = _load(public_id)
    if session is None:
        raise RoomRefused(CLOSE_NOT_FOUND, "unknown")
    participant = Participant.objects.filter(session=session, user=user).first()
    group_facilitator = is_live_facilitator(user)
    facilitator = is_session_facilitator(
        user, session, participant, group_facilitator=group_facilitator
    )
    if participant is not None and participant.removed_at is not None and not group_facilitator:
        raise RoomRefused(CLOSE_FORBIDDEN, "removed")
    if not facilitator:
        if participant is None:
            raise RoomRefused(CLOSE_FORBIDDEN, "not_invited")
        if not in_audience(user, session):
            raise RoomRefused(CLOSE_FORBIDDEN, "not_in_audience")
    if session.state in (State.ENDED, State.CANCELLED):
        raise RoomRefused(
            CLOSE_FORBIDDEN, session.state, [{"type": "state", "state": session.state}]
        )
    if session.state == State.SCHEDULED and not facilitator:
        raise RoomRefused(
            CLOSE_FORBIDDEN, "not_open", [{"type": "state", "state": State.SCHEDULED}]
        )
    if not facilitator and room_is_full(session, user):
        raise RoomRefused(
            CLOSE_FORBIDDEN,
            "full",
            [{"type": "error", "code": "full", "message": _("The room is full.")}],
        )
    return RoomAccess(session, participant, facilitator, group_facilitator)


def room_is_full(session, user) -> bool:
    """Online participants (facilitators and ``user`` not counted) reach the capacity.

    Two people taking the last seat at the same moment may both get in: the count
    is not locked (a seat is a soft limit of the conversation, not a resource).
    """
    online = (
        Participant.objects.filter(
            session=session,
            removed_at__isnull=True,
            last_seen_at__gte=timezone.now() - presence_ttl(),
        )
        .exclude(role=Role.FACILITATOR)
        .exclude(user=user)
    )
    if session.created_by_id:
        online = online.exclude(user_id=session.created_by_id)
    return online.count() >= session.capacity


def recheck(session_id: int, user, *, group_facilitator: bool):
    """The periodic check of one connection: one query (see ``recheck_room``).

    Returns ``(None, last_seen_at)`` while access holds, else ``(RoomRefused, None)``.
    """
    refused, seen = recheck_room(session_id, {user.pk: group_facilitator})
    if user.pk in refused:
        return refused[user.pk], None
    return None, seen.get(user.pk)


def recheck_room(session_id: int, users: dict[int, bool]):
    """The periodic check of every connection of one room in this process: ONE query.

    ``users`` maps the user ids connected here to whether they are group
    facilitators (fixed per connection). Returns ``(refused, seen)``:
    ``{user_id: RoomRefused}`` for those who lost access (removed, account
    deactivated, left the audience, session ended/cancelled, no row) and
    ``{user_id: last_seen_at}`` for everyone who keeps it (presence heartbeat).
    """
    rows = (
        Participant.objects.filter(session_id=session_id, user_id__in=list(users))
        .annotate(
            in_audience=Exists(
                audience_memberships(Audience.MODEL).filter(user_id=OuterRef("user_id"))
            ),
            in_members=Exists(Membership.objects.filter(user_id=OuterRef("user_id"))),
        )
        .values(
            "user_id",
            "removed_at",
            "role",
            "last_seen_at",
            "in_audience",
            "in_members",
            "session__state",
            "session__audience",
            "session__created_by_id",
            "user__is_active",
            "user__deleted_at",
        )
    )
    refused: dict[int, RoomRefused] = {}
    seen: dict = {}
    found = set()
    for row in rows:
        user_id = row["user_id"]
        found.add(user_id)
        refusal = _refusal(row, user_id, users[user_id])
        if refusal is None:
            seen[user_id] = row["last_seen_at"]
        else:
            refused[user_id] = refusal
    for user_id in users.keys() - found:
        refused[user_id] = RoomRefused(CLOSE_FORBIDDEN, "not_invited")
    return refused, seen


def _refusal(row: dict, user_id: int, group_facilitator: bool) -> RoomRefused | None:
    if not row["user__is_active"] or row["user__deleted_at"] is not None:
        from plugins.routing import CLOSE_UNAUTHENTICATED

        return RoomRefused(CLOSE_UNAUTHENTICATED, "inactive")
    facilitator = (
        group_facilitator
        or row["session__created_by_id"] == user_id
        or row["role"] == Role.FACILITATOR
    )
    if row["removed_at"] is not None and not group_facilitator:
        return RoomRefused(CLOSE_FORBIDDEN, "removed")
    state = row["session__state"]
    if state in (State.ENDED, State.CANCELLED):
        return RoomRefused(CLOSE_FORBIDDEN, state, [{"type": "state", "state": state}])
    if not facilitator:
        qualifies = (
            row["in_audience"] if row["session__audience"] == Audience.MODEL else row["in_members"]
        )
        if not qualifies:
            return RoomRefused(CLOSE_FORBIDDEN, "not_in_audience")
    return None


def access_session_page(user, public_id) -> RoomAccess:
    """For the HTTP views: the session if ``user`` facilitates it or is invited
    (and not removed), in any state; else ``Http404`` (forged ids look unknown)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    session = (
        LiveSession.objects.filter(public_id=public_id).select_related("case_giver").first()
        if _valid_uuid(public_id)
        else None
    )
    if session is None:
        raise Http404
    participant = Participant.objects.filter(session=session, user=user).first()
    group_facilitator = is_live_facilitator(user)
    facilitator = is_session_facilitator(
        user, session, participant, group_facilitator=group_facilitator
    )
    if not facilitator and (
        participant is None or participant.removed_at is not None or not in_audience(user, session)
    ):
        raise Http404
    return RoomAccess(session, participant, facilitator, group_facilitator)


def _valid_uuid(value) -> bool:
    import uuid

    if isinstance(value, uuid.UUID):
        return True
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def write_refusal(session, participant, is_facilitator: bool):
    """Why this person may not write in the chat now, as ``(code, message)``; or None."""
    if session.state != State.LIVE:
        return "not_live", _("The chat opens when the session starts.")
    if (participant is None or participant.removed_at is not None) and not is_facilitator:
        return "forbidden", _("You are not a participant of this session.")
    if participant is not None and participant.muted and not is_facilitator:
        return "muted", _("The facilitator has muted you.")
    if session.chat_locked and not is_facilitator:
        return "locked", _("The facilitator has locked the chat.")
    if (
        participant is not None
        and participant.role == Role.CASE_GIVER
        and session.phase == Phase.ADVICE
        and not session.case_giver_may_speak
        and not is_facilitator
    ):
        return "listen_only", _("During the advice phase the case giver listens.")
    return None
