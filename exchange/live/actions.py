"""Every write of the live room: messages, phases, roles, moderation, notes, hands,
presence, and the session's own state.

``check_<verb>_<noun>`` validates input and authorises (raising ``LiveError``,
before anything is written); ``do_<verb>_<noun>`` re-reads the rows it depends on
inside one transaction (locked where two people may write at once), checks, writes,
and returns an ``events.Outcome``. The caller publishes the outcome only after the
action returned, i.e. after the commit: nobody ever sees a frame for a write that
did not happen (persist before broadcast).

Everything a facilitator does to someone else is logged in ``SessionLog``;
removing, muting and deleting another person's message require a reason.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from komma.core.ratelimit import allow
from plugins.routing import CLOSE_FORBIDDEN

from . import events
from .access import (
    RoomAccess,
    access_session,
    is_session_facilitator,
    presence_ttl,
    write_refusal,
)
from .models import (
    MESSAGE_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    PHASE_MINUTES,
    PHASE_ORDER,
    REASON_MAX_LENGTH,
    LiveSession,
    LogAction,
    Message,
    Participant,
    Phase,
    Role,
    SessionLog,
    State,
)
from .selectors import room_participants

MAX_PHASE_MINUTES = 240
ASSIGNABLE_ROLES = (Role.CASE_GIVER, Role.CONSULTANT, Role.SECRETARY)


def message_rate() -> tuple[int, int]:
    """(messages, seconds) a user may send in one session."""
    return tuple(getattr(settings, "LIVE_MESSAGE_RATE", (10, 10)))


class LiveError(Exception):
    """A refused client event: nothing was written. ``reply`` frames go to the sender."""

    def __init__(self, code: str, message, ref=None, reply=()):
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.ref = ref
        self.reply = list(reply)

    def frame(self) -> dict:
        return events.error(self.code, self.message, self.ref)


@dataclass(frozen=True)
class Actor:
    """Who acts in which session (fixed for one connection)."""

    user: object
    session_id: int
    group_facilitator: bool = False

    @classmethod
    def from_access(cls, user, access: RoomAccess) -> "Actor":
        return cls(user, access.session.pk, access.group_facilitator)


def _forbidden(message=None, ref=None):
    return LiveError("forbidden", message or _("Only the facilitator may do this."), ref)


def _load(actor: Actor, *, lock: bool = False):
    """The session and the actor's participant, fresh (the session row locked if asked)."""
    sessions = LiveSession.objects.select_for_update() if lock else LiveSession.objects
    session = sessions.get(pk=actor.session_id)
    participant = Participant.objects.filter(session=session, user=actor.user).first()
    facilitator = is_session_facilitator(
        actor.user, session, participant, group_facilitator=actor.group_facilitator
    )
    if not facilitator and (participant is None or participant.removed_at is not None):
        raise _forbidden(_("You are not a participant of this session."))
    return session, participant, facilitator


def _facilitator(actor: Actor, *, lock: bool = True):
    session, participant, facilitator = _load(actor, lock=lock)
    if not facilitator:
        raise _forbidden()
    return session, participant


def _log(session, actor: Actor, action, *, target=None, message=None, detail="", reason=""):
    SessionLog.objects.create(
        session=session,
        actor=actor.user,
        action=action,
        target=target,
        message=message,
        detail=detail[:100],
        reason=reason,
    )


def _room_state_outcome(session_id: int, *builders) -> list[dict]:
    participants = room_participants(session_id)
    now = timezone.now()
    return [build(participants, now) for build in builders]


# --- input --------------------------------------------------------------------------
def check_text(value, *, max_length: int, what: str = "body", ref=None, allow_blank=False) -> str:
    """A text field of a frame: a string, not blank (unless allowed), not too long."""
    if not isinstance(value, str):
        raise LiveError("invalid", _("The text is missing."), ref)
    if not allow_blank and not value.strip():
        raise LiveError("invalid", _("Please write something first."), ref)
    if len(value) > max_length:
        raise LiveError(
            "too_large",
            _("The text is too long (at most %(max)d characters).") % {"max": max_length},
            ref,
        )
    return value


def check_reason(value, *, required: bool, ref=None) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise LiveError("invalid", _("The reason must be text."), ref)
    value = value.strip()
    if required and not value:
        raise LiveError("invalid", _("Please give a reason; it is logged."), ref)
    if len(value) > REASON_MAX_LENGTH:
        raise LiveError(
            "too_large",
            _("The reason is too long (at most %(max)d characters).") % {"max": REASON_MAX_LENGTH},
            ref,
        )
    return value


def check_client_id(value) -> uuid.UUID:
    if not isinstance(value, str):
        raise LiveError("invalid", _("The message needs a client id."))
    try:
        return uuid.UUID(value)
    except ValueError:
        raise LiveError("invalid", _("The client id is not valid."), value) from None


def check_int(value, *, what="seq", minimum=0, maximum=None, ref=None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise LiveError("invalid", _("A number is missing or not valid."), ref)
    if maximum is not None and value > maximum:
        raise LiveError("invalid", _("The number is too large."), ref)
    return value


def _write_check(session, participant, facilitator, ref=None):
    refusal = write_refusal(session, participant, facilitator)
    if refusal:
        raise LiveError(refusal[0], refusal[1], ref)


# --- entering and leaving -------------------------------------------------------------
def enter_room(user, public_id, *, group_facilitator=None) -> tuple[RoomAccess, events.Outcome]:
    """Authorise a connection and mark the person present.

    A facilitator without a participant row gets one (role facilitator), and their
    arrival opens the lobby of a scheduled session. Raises ``access.RoomRefused``.
    """
    access = access_session(user, public_id)
    outcome = events.Outcome()
    now = timezone.now()
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=access.session.pk)
        participant = access.participant
        if participant is None:  # a facilitator (access_session let nobody else through)
            participant, _created = Participant.objects.get_or_create(
                session=session, user=user, defaults={"role": Role.FACILITATOR, "invited_by": user}
            )
        if access.is_facilitator and session.state == State.SCHEDULED:
            session.state = State.LOBBY
            session.opened_at = now
            session.save(update_fields=["state", "opened_at"])
            SessionLog.objects.create(session=session, actor=user, action=LogAction.OPEN)
            outcome.room.append(events.state(session))
        was_online = participant.last_seen_at is not None and (
            participant.last_seen_at >= now - presence_ttl()
        )
        Participant.objects.filter(pk=participant.pk).update(
            last_seen_at=now, first_joined_at=participant.first_joined_at or now
        )
    access.session = session
    access.participant = participant
    if not was_online:
        outcome.room.extend(_room_state_outcome(session.pk, events.presence))
    return access, outcome


def do_touch_presence(actor: Actor, last_seen) -> events.Outcome:
    """The heartbeat of a connection: refresh ``last_seen_at`` when it grows old.

    Writes at most every third of the presence TTL per connection; publishes
    presence when the person had dropped offline meanwhile (another tab closed).
    """
    now = timezone.now()
    ttl = presence_ttl()
    outcome = events.Outcome()
    if last_seen is not None and last_seen >= now - ttl / 3:
        return outcome
    Participant.objects.filter(session_id=actor.session_id, user=actor.user).update(
        last_seen_at=now
    )
    if last_seen is None or last_seen < now - ttl:
        outcome.room.extend(_room_state_outcome(actor.session_id, events.presence))
    return outcome


def do_touch_room_presence(session_id: int, seen: dict) -> events.Outcome:
    """The heartbeat of every connection of a room in this process: one UPDATE.

    ``seen`` maps user ids to their ``last_seen_at`` (from ``access.recheck_room``).
    Refreshes those older than a third of the presence TTL at once; publishes
    presence when one of them had dropped offline meanwhile (another tab closed).
    """
    now = timezone.now()
    ttl = presence_ttl()
    outcome = events.Outcome()
    stale = [user_id for user_id, last in seen.items() if last is None or last < now - ttl / 3]
    if not stale:
        return outcome
    Participant.objects.filter(session_id=session_id, user_id__in=stale).update(last_seen_at=now)
    if any(seen[user_id] is None or seen[user_id] < now - ttl for user_id in stale):
        outcome.room.extend(_room_state_outcome(session_id, events.presence))
    return outcome


def do_leave_room(actor: Actor) -> events.Outcome:
    """The person's last connection in this process closed: offline now.

    If they still have a connection in another process, its next heartbeat marks
    them online again (within the recheck interval).
    """
    updated = Participant.objects.filter(
        session_id=actor.session_id, user=actor.user, last_seen_at__isnull=False
    ).update(last_seen_at=None)
    outcome = events.Outcome()
    if updated:
        outcome.room.extend(_room_state_outcome(actor.session_id, events.presence))
    return outcome


def may_write(actor: Actor, session, participant) -> bool:
    facilitator = is_session_facilitator(
        actor.user, session, participant, group_facilitator=actor.group_facilitator
    )
    return write_refusal(session, participant, facilitator) is None


def welcome_frame(actor: Actor) -> dict:
    """The welcome frame: the room as it is now (reads only)."""
    session = LiveSession.objects.get(pk=actor.session_id)
    participants = room_participants(session.pk)
    mine = next((p for p in participants if p.user_id == actor.user.pk), None)
    facilitator = is_session_facilitator(
        actor.user, session, mine, group_facilitator=actor.group_facilitator
    )
    role = Role.FACILITATOR if facilitator and mine is None else (mine.role if mine else "")
    me = events.me_dict(
        actor.user,
        mine,
        role=role,
        muted=bool(mine and mine.muted),
        may_write=write_refusal(session, mine, facilitator) is None,
    )
    me["is_facilitator"] = facilitator
    return events.welcome(session, me, participants, now=timezone.now())


# --- messages -----------------------------------------------------------------------
def check_send_message(content: dict) -> tuple[uuid.UUID, str]:
    """Validate a ``message.send`` frame: a client id and a body (not blank, ≤ 4000)."""
    client_id = check_client_id(content.get("client_id"))
    body = check_text(content.get("body"), max_length=MESSAGE_MAX_LENGTH, ref=str(client_id))
    return client_id, body


def do_send_message(actor: Actor, client_id: uuid.UUID, body: str) -> events.Outcome:
    """Store a message with the next sequence number, then ack (and broadcast it).

    A retried ``client_id`` of the same author returns the stored message and is
    acknowledged again with its sequence number; nothing new is stored or broadcast.
    The sequence counter is the session row, incremented under its row lock, so
    numbers are gapless and unique across processes (PostgreSQL and SQLite).

    Three statements in one transaction (this is the hot path of a busy room):
    ``UPDATE … SET last_seq = last_seq + 1 RETURNING`` the room state (takes the
    row lock, allocates the number, reads state/phase/lock); one SELECT of the
    author's participant row with the seq of an already stored message of the same
    ``client_id`` (dedupe and write permission, both read under the lock, so a
    mute or lock committed before is always seen); the INSERT. A duplicate or a
    refusal rolls the increment back (numbers stay gapless).
    """
    ref = str(client_id)
    try:
        with transaction.atomic():
            session = _next_seq(actor.session_id)
            if session is None:
                raise _forbidden(_("You are not a participant of this session."))
            participant = (
                Participant.objects.filter(session_id=actor.session_id, user_id=actor.user.pk)
                .annotate(
                    stored_seq=Subquery(
                        Message.objects.filter(
                            session_id=actor.session_id,
                            author_id=actor.user.pk,
                            client_id=client_id,
                        ).values("seq")[:1]
                    )
                )
                .first()
            )
            stored_seq = participant.stored_seq if participant is not None else None
            if participant is None:  # a facilitator without a row (entering creates one)
                stored = _stored(actor, client_id)
                stored_seq = stored.seq if stored is not None else None
            if stored_seq is not None:
                raise _Duplicate(stored_seq)
            facilitator = is_session_facilitator(
                actor.user, session, participant, group_facilitator=actor.group_facilitator
            )
            if not facilitator and (participant is None or participant.removed_at is not None):
                raise _forbidden(_("You are not a participant of this session."))
            _write_check(session, participant, facilitator, ref)
            limit, period = message_rate()
            if not allow(f"live.message.{actor.session_id}", actor.user.pk, limit, period):
                raise LiveError(
                    "rate_limited",
                    _("You are sending messages too fast. Please wait a moment."),
                    ref,
                )
            message = Message.objects.create(
                session_id=actor.session_id,
                seq=session.last_seq,
                author=actor.user,
                client_id=client_id,
                body=body,
            )
    except _Duplicate as duplicate:
        return events.Outcome(reply=[_ack(client_id, duplicate.seq)])
    except IntegrityError:
        # The same client id raced in through another connection: that one won.
        existing = _stored(actor, client_id)
        if existing is None:
            raise
        return events.Outcome(reply=[events.ack(existing)])
    message.author = actor.user
    return events.Outcome(room=[events.message(message)], reply=[events.ack(message)])


class _Duplicate(Exception):
    """A retried client id: roll the counter back and ack the stored message."""

    def __init__(self, seq: int):
        super().__init__(seq)
        self.seq = seq


def _ack(client_id, seq: int) -> dict:
    return {"type": "ack", "client_id": str(client_id), "seq": seq}


_SESSION_FIELDS = (
    "last_seq",
    "state",
    "phase",
    "chat_locked",
    "case_giver_may_speak",
    "created_by",
)


def _next_seq(session_id: int) -> LiveSession | None:
    """Allocate the next sequence number under the session row's lock; return the
    session's room state as read by that same statement (an unsaved stand-in)."""
    meta = LiveSession._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in _SESSION_FIELDS]
    last_seq = quote(columns[0])
    # Only identifiers from the model's own metadata are formatted in; the value is a
    # parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {last_seq} = {last_seq} + 1 "  # noqa: S608
        f"WHERE {quote(meta.pk.column)} = %s RETURNING {', '.join(map(quote, columns))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [session_id])
        row = cursor.fetchone()
    if row is None:
        return None
    last_seq, state, phase, chat_locked, may_speak, created_by_id = row
    return LiveSession(
        pk=session_id,
        last_seq=last_seq,
        state=state,
        phase=phase,
        chat_locked=bool(chat_locked),
        case_giver_may_speak=bool(may_speak),
        created_by_id=created_by_id,
    )


def _stored(actor: Actor, client_id) -> Message | None:
    return Message.objects.filter(
        session_id=actor.session_id, author=actor.user, client_id=client_id
    ).first()


def _message(session, seq: int, ref) -> Message:
    """A message of the session (the caller holds the session row's lock)."""
    message = (
        Message.objects.select_related("author")
        .filter(session=session, seq=seq, deleted_at__isnull=True)
        .first()
    )
    if message is None:
        raise LiveError("not_found", _("This message does not exist (any more)."), ref)
    return message


def check_edit_message(content: dict) -> tuple[int, str]:
    seq = check_int(content.get("seq"), minimum=1)
    body = check_text(content.get("body"), max_length=MESSAGE_MAX_LENGTH, ref=seq)
    return seq, body


def do_edit_message(actor: Actor, seq: int, body: str) -> events.Outcome:
    """The author changes their own message (while they may write)."""
    with transaction.atomic():
        session, participant, facilitator = _load(actor, lock=True)
        message = _message(session, seq, seq)
        if message.author_id != actor.user.pk:
            raise _forbidden(_("You can only edit your own messages."), seq)
        _write_check(session, participant, facilitator, seq)
        message.body = body
        message.edited_at = timezone.now()
        message.save(update_fields=["body", "edited_at"])
    return events.Outcome(room=[events.message_edited(message)])


def check_delete_message(content: dict) -> tuple[int, str]:
    seq = check_int(content.get("seq"), minimum=1)
    reason = check_reason(content.get("reason"), required=False, ref=seq)
    return seq, reason


def do_delete_message(actor: Actor, seq: int, reason: str) -> events.Outcome:
    """The author deletes their message; a facilitator deletes anyone's, with a
    reason that is logged. The text is wiped: deleted means gone."""
    with transaction.atomic():
        session, _participant, facilitator = _load(actor, lock=True)
        if session.state != State.LIVE:
            raise LiveError("not_live", _("The session is not live."), seq)
        message = _message(session, seq, seq)
        own = message.author_id == actor.user.pk
        if not own:
            if not facilitator:
                raise _forbidden(_("You can only delete your own messages."), seq)
            if not reason:
                raise LiveError("invalid", _("Please give a reason; it is logged."), seq)
        message.deleted_at = timezone.now()
        message.deleted_by = actor.user
        message.body = ""
        message.save(update_fields=["deleted_at", "deleted_by", "body"])
        if not own:
            _log(
                session,
                actor,
                LogAction.DELETE_MESSAGE,
                target=message.author,
                message=message,
                detail=f"#{seq}",
                reason=reason,
            )
    by = "author" if own else "facilitator"
    return events.Outcome(room=[events.message_deleted(message, by)])


# --- the session's course ---------------------------------------------------------------
def _set_phase(session, phase: str, minutes: int, now):
    session.phase = phase
    session.phase_started_at = now
    session.phase_ends_at = now + timedelta(minutes=minutes)


def do_open_session(actor: Actor) -> events.Outcome:
    """scheduled → lobby (also done by the facilitator's arrival in the room)."""
    with transaction.atomic():
        session, _participant = _facilitator(actor)
        if session.state != State.SCHEDULED:
            raise LiveError("invalid", _("The lobby is already open."))
        session.state = State.LOBBY
        session.opened_at = timezone.now()
        session.save(update_fields=["state", "opened_at"])
        _log(session, actor, LogAction.OPEN)
    return events.Outcome(room=[events.state(session)])


def do_start_session(actor: Actor) -> events.Outcome:
    """lobby → live, in the first phase (casting) with its timer."""
    with transaction.atomic():
        session, _participant = _facilitator(actor)
        if session.state not in (State.SCHEDULED, State.LOBBY):
            raise LiveError("invalid", _("The session has already started."))
        now = timezone.now()
        session.state = State.LIVE
        session.started_at = now
        session.opened_at = session.opened_at or now
        _set_phase(session, Phase.CASTING, PHASE_MINUTES[Phase.CASTING], now)
        session.save(
            update_fields=[
                "state",
                "started_at",
                "opened_at",
                "phase",
                "phase_started_at",
                "phase_ends_at",
            ]
        )
        _log(session, actor, LogAction.START)
    return events.Outcome(room=[events.state(session), events.phase(session)])


def do_end_session(actor: Actor) -> events.Outcome:
    """→ ended. Messages and notes stay for the minutes; connections are closed by
    their recheck (they get ``state: ended`` first)."""
    with transaction.atomic():
        session, _participant = _facilitator(actor)
        if session.state in (State.ENDED, State.CANCELLED):
            raise LiveError("invalid", _("The session has already ended."))
        session.state = State.ENDED
        session.ended_at = timezone.now()
        session.save(update_fields=["state", "ended_at"])
        Participant.objects.filter(session=session).update(hand_raised_at=None)
        _log(session, actor, LogAction.END)
    return events.Outcome(room=[events.state(session)])


def check_set_phase(content: dict) -> tuple[str, int]:
    phase = content.get("phase")
    if phase not in PHASE_ORDER:
        raise LiveError("invalid", _("Unknown phase."))
    minutes = content.get("minutes")
    if minutes is None:
        minutes = PHASE_MINUTES[phase]
    minutes = check_int(minutes, minimum=1, maximum=MAX_PHASE_MINUTES)
    return phase, minutes


def do_set_phase(actor: Actor, phase: str, minutes: int) -> events.Outcome:
    """The facilitator moves everyone to ``phase`` (forward or back) with a timer."""
    with transaction.atomic():
        session, _participant = _facilitator(actor)
        if session.state != State.LIVE:
            raise LiveError("not_live", _("The session is not live."))
        _set_phase(session, phase, minutes, timezone.now())
        session.save(update_fields=["phase", "phase_started_at", "phase_ends_at"])
        _log(session, actor, LogAction.PHASE, detail=f"{phase} {minutes}min")
    return events.Outcome(room=[events.phase(session)])


def check_target(content: dict) -> int:
    return check_int(content.get("user_id"), minimum=1)


def _target(session, user_id: int, *, ref=None) -> Participant:
    target = (
        Participant.objects.select_related("user")
        .filter(session=session, user_id=user_id, removed_at__isnull=True)
        .first()
    )
    if target is None:
        raise LiveError("not_found", _("This person is not in the session."), ref)
    if target.role == Role.FACILITATOR or target.user_id == session.created_by_id:
        raise _forbidden(_("This does not apply to a facilitator."), ref)
    return target


def check_assign_role(content: dict) -> tuple[int, str]:
    user_id = check_target(content)
    role = content.get("role")
    if role not in ASSIGNABLE_ROLES:
        raise LiveError("invalid", _("Unknown role."))
    return user_id, role


def do_assign_role(actor: Actor, user_id: int, role: str) -> events.Outcome:
    """Cast a participant. There is one case giver and one secretary: whoever had
    the role before becomes a consultant."""
    with transaction.atomic():
        session, _participant = _facilitator(actor)
        if session.state == State.ENDED:
            raise LiveError("invalid", _("The session has ended."))
        target = _target(session, user_id, ref=user_id)
        if role in (Role.CASE_GIVER, Role.SECRETARY):
            Participant.objects.filter(session=session, role=role).exclude(pk=target.pk).update(
                role=Role.CONSULTANT
            )
        target.role = role
        target.save(update_fields=["role"])
        if role == Role.CASE_GIVER and session.case_giver_id != target.user_id:
            session.case_giver_id = target.user_id
            session.save(update_fields=["case_giver"])
        elif role != Role.CASE_GIVER and session.case_giver_id == target.user_id:
            session.case_giver_id = None
            session.save(update_fields=["case_giver"])
        _log(session, actor, LogAction.ROLE, target=target.user, detail=role)
    return events.Outcome(room=_room_state_outcome(session.pk, events.roles))


def do_mute(actor: Actor, user_id: int, reason: str, *, mute: bool = True) -> events.Outcome:
    """Mute (reason required, logged) or unmute a participant."""
    with transaction.atomic():
        session, _participant = _facilitator(actor)
        target = _target(session, user_id, ref=user_id)
        if target.muted == mute:
            raise LiveError(
                "invalid",
                _("This person is already muted.") if mute else _("This person is not muted."),
                user_id,
            )
        target.muted = mute
        target.save(update_fields=["muted"])
        _log(
            session,
            actor,
            LogAction.MUTE if mute else LogAction.UNMUTE,
            target=target.user,
            reason=reason,
        )
    return events.Outcome(
        room=_room_state_outcome(session.pk, events.presence),
        users=[events.UserEvent(target.user_id, events.muted(mute))],
    )


def do_remove(actor: Actor, user_id: int, reason: str) -> events.Outcome:
    """Remove a participant (reason required, logged): their sockets in this room get
    ``removed`` and close with 4403; they cannot come back."""
    with transaction.atomic():
        session, _participant = _facilitator(actor)
        target = _target(session, user_id, ref=user_id)
        target.removed_at = timezone.now()
        target.hand_raised_at = None
        target.save(update_fields=["removed_at", "hand_raised_at"])
        _log(session, actor, LogAction.REMOVE, target=target.user, reason=reason)
    return events.Outcome(
        room=_room_state_outcome(session.pk, events.presence, _hands),
        users=[events.UserEvent(target.user_id, events.removed(reason), CLOSE_FORBIDDEN)],
    )


def do_lock_chat(actor: Actor, locked: bool) -> events.Outcome:
    """Lock the chat (only facilitators write) or unlock it."""
    with transaction.atomic():
        session, _participant = _facilitator(actor)
        if session.chat_locked == locked:
            return events.Outcome(reply=[events.chat_locked(locked)])
        session.chat_locked = locked
        session.save(update_fields=["chat_locked"])
        _log(session, actor, LogAction.LOCK if locked else LogAction.UNLOCK)
    return events.Outcome(room=[events.chat_locked(locked)])


def do_case_giver_speak(actor: Actor, allowed: bool) -> events.Outcome:
    """Lift (or restore) the case giver's listen-only rule of the advice phase."""
    with transaction.atomic():
        session, _participant = _facilitator(actor)
        if session.case_giver_may_speak == allowed:
            return events.Outcome(reply=[events.case_giver_speak(allowed)])
        session.case_giver_may_speak = allowed
        session.save(update_fields=["case_giver_may_speak"])
        action = LogAction.LIFT_LISTEN_ONLY if allowed else LogAction.RESTORE_LISTEN_ONLY
        _log(session, actor, action)
    return events.Outcome(room=[events.case_giver_speak(allowed)])


def check_bool(value) -> bool:
    if not isinstance(value, bool):
        raise LiveError("invalid", _("Expected true or false."))
    return value


# --- notes ----------------------------------------------------------------------------
def check_update_notes(content: dict) -> tuple[int, str]:
    version = check_int(content.get("version"), minimum=0)
    text = check_text(content.get("text"), max_length=NOTES_MAX_LENGTH, allow_blank=True)
    return version, text


def do_update_notes(actor: Actor, version: int, text: str) -> events.Outcome:
    """The secretary (or facilitator) saves the shared notes, based on ``version``.

    A stale version changes nothing: the sender gets ``notes.conflict`` with the
    current text and version, and keeps their own text to merge and send again.
    """
    with transaction.atomic():
        session, participant, facilitator = _load(actor, lock=True)
        if not facilitator and (participant is None or participant.role != Role.SECRETARY):
            raise _forbidden(_("Only the secretary and the facilitator keep the notes."))
        if session.state != State.LIVE:
            raise LiveError("not_live", _("The session is not live."))
        if session.notes_version != version:
            raise LiveError(
                "conflict",
                _("Someone changed the notes meanwhile. Your text is kept; please merge."),
                version,
                reply=[events.notes_conflict(session.notes, session.notes_version)],
            )
        session.notes = text
        session.notes_version = version + 1
        session.notes_updated_at = timezone.now()
        session.save(update_fields=["notes", "notes_version", "notes_updated_at"])
    return events.Outcome(room=[events.notes(session, actor.user)])


# --- hands and typing -------------------------------------------------------------------
def _hands(participants, now=None):
    return events.hands(participants)


def do_raise_hand(actor: Actor) -> events.Outcome:
    """Join the queue of raised hands (again: keeps the first place)."""
    with transaction.atomic():
        session, participant, _facilitator_flag = _load(actor, lock=True)
        if session.state != State.LIVE:
            raise LiveError("not_live", _("The session is not live."))
        if participant is None:
            raise _forbidden(_("You are not a participant of this session."))
        Participant.objects.filter(pk=participant.pk, hand_raised_at__isnull=True).update(
            hand_raised_at=timezone.now()
        )
    return events.Outcome(room=_room_state_outcome(session.pk, _hands))


def do_lower_hand(actor: Actor, user_id: int | None = None) -> events.Outcome:
    """Lower one's own hand; the facilitator may lower anyone's."""
    with transaction.atomic():
        session, _participant, facilitator = _load(actor, lock=True)
        target_id = actor.user.pk if user_id is None else user_id
        if target_id != actor.user.pk and not facilitator:
            raise _forbidden(ref=user_id)
        Participant.objects.filter(session=session, user_id=target_id).update(hand_raised_at=None)
    return events.Outcome(room=_room_state_outcome(session.pk, _hands))


def check_typing(actor: Actor) -> events.Outcome:
    """``typing`` is relayed, never stored; only from who may write (else dropped)."""
    session, participant, facilitator = _load(actor)
    if write_refusal(session, participant, facilitator) is not None:
        return events.Outcome()
    return events.Outcome(room=[events.typing(actor.user)])
