"""Server → client events of the live room: one builder per event type.

The protocol (``/ws/live/<public_id>/``, JSON text frames with a ``type``):

client → server
    hello {last_seq} · resume {last_seq} · message.send {client_id, body} ·
    message.edit {seq, body} · message.delete {seq, reason?} · typing ·
    hand.raise · hand.lower {user_id?} · notes.update {version, text};
    facilitators: session.start · session.end · phase.set {phase, minutes?} ·
    role.assign {user_id, role} · participant.mute {user_id, reason} ·
    participant.unmute {user_id} · participant.remove {user_id, reason} ·
    chat.lock · chat.unlock · case_giver.speak {allowed}
server → client
    welcome, the replay (message …), replay.done, then live events: message, ack,
    message.edited, message.deleted, presence, typing, hands, phase, state,
    chat.locked, case_giver.speak, roles, notes, notes.conflict, muted, removed,
    error {code, message, ref?}

Error codes: bad_json, bad_frame, too_large, unknown_type, invalid, forbidden,
locked, muted, listen_only, rate_limited, not_found, conflict, not_live,
server_error (and "full" before a 4403 close). Close codes: see ``access``.

The one place that decides how a person appears in a frame is ``person``: the
profile id and the pseudonym (``display_name``), never e-mail, real name, office
or municipality.

An action returns an ``Outcome``: events for the whole room (published through
the hub once the write is committed), replies to the acting connection only, and
events for one user's connections in this room (``muted``, ``removed`` + close).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import PHASE_ORDER, LiveSession, Message, Participant, Phase
from .selectors import hand_queue, is_online


@dataclass
class UserEvent:
    """A frame for every connection of one user in the room, then maybe a close."""

    user_id: int
    frame: dict
    close_code: int | None = None


@dataclass
class Outcome:
    """What a successful action asks the consumer to send."""

    room: list[dict] = field(default_factory=list)
    reply: list[dict] = field(default_factory=list)
    users: list[UserEvent] = field(default_factory=list)


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


# --- people -------------------------------------------------------------------------
def person(user) -> dict:
    """A person in a frame: profile id and pseudonym only."""
    if user is None:
        return {"id": None, "name": str(_("former member"))}
    return {"id": user.pk, "name": user.display_name}


def participant_dict(participant: Participant, now=None) -> dict:
    return {
        **person(participant.user),
        "role": participant.role,
        "online": is_online(participant, now),
        "muted": participant.muted,
        "hand_raised_at": iso(participant.hand_raised_at),
    }


def participants_list(participants, now=None) -> list[dict]:
    return [participant_dict(p, now) for p in participants]


# --- session state ------------------------------------------------------------------
def phase_index(phase: str) -> int | None:
    return PHASE_ORDER.index(phase) if phase in PHASE_ORDER else None


def phase_label(phase: str) -> str:
    return str(Phase(phase).label) if phase in PHASE_ORDER else ""


def session_dict(session: LiveSession) -> dict:
    return {
        "id": str(session.public_id),
        "title": session.title,
        "state": session.state,
        "phase": session.phase,
        "phase_label": phase_label(session.phase),
        "phase_index": phase_index(session.phase),
        "phase_started_at": iso(session.phase_started_at),
        "phase_ends_at": iso(session.phase_ends_at),
        "chat_locked": session.chat_locked,
        "case_giver_may_speak": session.case_giver_may_speak,
        "notes": session.notes,
        "notes_version": session.notes_version,
        "last_seq": session.last_seq,
        "capacity": session.capacity,
    }


def welcome(session, me, participants, *, now) -> dict:
    """The first frame after ``hello``: the room as it is now."""
    return {
        "type": "welcome",
        "session": session_dict(session),
        "me": me,
        "participants": participants_list(participants, now),
        "hands": hands(participants)["queue"],
        "server_time": iso(now),
    }


def me_dict(user, participant, *, role, muted, may_write) -> dict:
    return {**person(user), "role": role, "muted": muted, "may_write": may_write}


def replay_done(last_seq: int) -> dict:
    return {"type": "replay.done", "last_seq": last_seq}


def presence(participants, now=None) -> dict:
    return {"type": "presence", "participants": participants_list(participants, now)}


def roles(participants, now=None) -> dict:
    return {"type": "roles", "participants": participants_list(participants, now)}


def hands(participants) -> dict:
    return {
        "type": "hands",
        "queue": [
            {**person(p.user), "raised_at": iso(p.hand_raised_at)} for p in hand_queue(participants)
        ],
    }


def phase(session: LiveSession) -> dict:
    return {
        "type": "phase",
        "phase": session.phase,
        "label": phase_label(session.phase),
        "started_at": iso(session.phase_started_at),
        "ends_at": iso(session.phase_ends_at),
        "index": phase_index(session.phase),
    }


def state(session: LiveSession) -> dict:
    return {
        "type": "state",
        "state": session.state,
        "phase": session.phase,
        "ended_at": iso(session.ended_at),
    }


def chat_locked(locked: bool) -> dict:
    return {"type": "chat.locked", "locked": locked}


def case_giver_speak(allowed: bool) -> dict:
    return {"type": "case_giver.speak", "allowed": allowed}


def notes(session: LiveSession, by) -> dict:
    return {
        "type": "notes",
        "text": session.notes,
        "version": session.notes_version,
        "by": person(by),
    }


def notes_conflict(text: str, version: int) -> dict:
    return {"type": "notes.conflict", "text": text, "version": version}


def muted(is_muted: bool) -> dict:
    return {"type": "muted", "muted": is_muted}


def removed(reason: str) -> dict:
    return {"type": "removed", "reason": reason}


def typing(user) -> dict:
    return {"type": "typing", "user": person(user)}


# --- messages -----------------------------------------------------------------------
def message(msg: Message) -> dict:
    deleted = msg.deleted_at is not None
    return {
        "type": "message",
        "seq": msg.seq,
        "id": msg.seq,
        "client_id": str(msg.client_id),
        "author": person(msg.author),
        "body": "" if deleted else msg.body,
        "created_at": iso(msg.created_at),
        "edited_at": iso(msg.edited_at),
        "deleted": deleted,
    }


def ack(msg: Message) -> dict:
    return {"type": "ack", "client_id": str(msg.client_id), "seq": msg.seq}


def message_edited(msg: Message) -> dict:
    return {
        "type": "message.edited",
        "seq": msg.seq,
        "body": msg.body,
        "edited_at": iso(msg.edited_at),
    }


def message_deleted(msg: Message, by: str) -> dict:
    return {"type": "message.deleted", "seq": msg.seq, "by": by}


def error(code: str, message_text: str, ref=None) -> dict:
    frame = {"type": "error", "code": code, "message": str(message_text)}
    if ref is not None:
        frame["ref"] = ref
    return frame
