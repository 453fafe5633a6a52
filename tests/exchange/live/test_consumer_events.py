"""Every client event of the room, and every permission rule, over a WebSocket.

Refused events get an ``error`` frame, change nothing, and the connection stays
open (each test sends a valid event afterwards to prove it).
"""

import json
import uuid
from datetime import datetime, timedelta

import pytest
from channels.db import database_sync_to_async

from exchange.live.models import (
    LiveSession,
    LogAction,
    Message,
    Participant,
    SessionLog,
    State,
)

from .conftest import db_async, make_session, online_names, open_room

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("close_rooms"),
]


def cid() -> str:
    return str(uuid.uuid4())


@database_sync_to_async
def stored_bodies(session) -> list[str]:
    return list(
        Message.objects.filter(session=session).order_by("seq").values_list("body", flat=True)
    )


@database_sync_to_async
def session_row(session) -> LiveSession:
    return LiveSession.objects.get(pk=session.pk)


@database_sync_to_async
def log_actions(session) -> list[tuple[str, str]]:
    return list(SessionLog.objects.filter(session=session).values_list("action", "reason"))


async def send_message(room, body="Hallo zusammen", client_id=None) -> dict:
    client_id = client_id or cid()
    await room.send(type="message.send", client_id=client_id, body=body)
    return await room.expect("ack", client_id=client_id)


async def test_messages_edit_and_delete(live_cast, live_session):
    author = await open_room(live_cast["consultant"], live_session)
    other = await open_room(live_cast["consultant2"], live_session)
    facilitator = await open_room(live_cast["facilitator"], live_session)

    ack = await send_message(author, "Wir hatten einen ähnlichen Fall.")
    assert ack["seq"] == 1
    for room in (author, other, facilitator):
        message = await room.expect("message", seq=1)
        assert message["body"] == "Wir hatten einen ähnlichen Fall."
        assert message["author"] == {"id": live_cast["consultant"].pk, "name": "BeraterEins"}
        assert message["deleted"] is False and message["edited_at"] is None

    # Only the author edits.
    await other.send(type="message.edit", seq=1, body="Übernommen!")
    assert (await other.error("forbidden"))["ref"] == 1
    await author.send(type="message.edit", seq=1, body="Wir hatten einen sehr ähnlichen Fall.")
    edited = await other.expect("message.edited", seq=1)
    assert edited["body"] == "Wir hatten einen sehr ähnlichen Fall." and edited["edited_at"]
    await author.send(type="message.edit", seq=1, body="   ")
    await author.error("invalid")
    await author.send(type="message.edit", seq=99, body="gibt es nicht")
    await author.error("not_found")
    assert await stored_bodies(live_session) == ["Wir hatten einen sehr ähnlichen Fall."]

    # Others may not delete; the facilitator only with a reason (logged).
    await other.send(type="message.delete", seq=1)
    await other.error("forbidden")
    await facilitator.send(type="message.delete", seq=1)
    await facilitator.error("invalid")
    assert await stored_bodies(live_session) == ["Wir hatten einen sehr ähnlichen Fall."]
    await facilitator.send(type="message.delete", seq=1, reason="Nennt eine Privatadresse.")
    deleted = await other.expect("message.deleted", seq=1)
    assert deleted["by"] == "facilitator"
    row = await db_async(Message.objects.get)(session=live_session, seq=1)
    assert row.deleted_at and row.body == "" and row.deleted_by_id == live_cast["facilitator"].pk
    assert await log_actions(live_session) == [
        (LogAction.DELETE_MESSAGE, "Nennt eine Privatadresse.")
    ]

    # The author deletes their own without a reason; nothing is logged.
    await send_message(author, "Noch ein Gedanke")
    await author.send(type="message.delete", seq=2)
    assert (await other.expect("message.deleted", seq=2))["by"] == "author"
    assert len(await log_actions(live_session)) == 1
    # A deleted message replays without its text.
    late = await open_room(live_cast["secretary"], live_session)
    assert [(m["seq"], m["body"], m["deleted"]) for m in late.replayed] == [
        (1, "", True),
        (2, "", True),
    ]


async def test_bad_frames_get_errors_and_change_nothing(live_cast, live_session):
    room = await open_room(live_cast["consultant"], live_session)
    cases = [
        ("nicht json", "bad_json"),
        ("[1, 2]", "bad_frame"),
        (json.dumps({"body": "ohne Typ"}), "bad_frame"),
        (json.dumps({"type": "gibt.es.nicht"}), "unknown_type"),
        (json.dumps({"type": "welcome"}), "unknown_type"),  # a server event is no client event
        ("x" * (65 * 1024), "too_large"),
        (json.dumps({"type": "message.send", "client_id": cid(), "body": "  \n "}), "invalid"),
        (json.dumps({"type": "message.send", "client_id": cid(), "body": "x" * 4001}), "too_large"),
        (json.dumps({"type": "message.send", "client_id": cid(), "body": 42}), "invalid"),
        (json.dumps({"type": "message.send", "body": "ohne Kennung"}), "invalid"),
        (json.dumps({"type": "message.send", "client_id": "kaputt", "body": "x"}), "invalid"),
        (json.dumps({"type": "message.edit", "seq": "1", "body": "x"}), "invalid"),
        (json.dumps({"type": "hello", "last_seq": -1}), "invalid"),
        (json.dumps({"type": "resume"}), "invalid"),
        (json.dumps({"type": "hand.lower", "user_id": "alle"}), "invalid"),
        (json.dumps({"type": "notes.update", "version": 0, "text": None}), "invalid"),
    ]
    for text, code in cases:
        await room.send_text(text)
        frame = await room.expect("error")
        assert frame["code"] == code, (text[:60], frame)
        assert frame["message"]
    await room.communicator.send_to(bytes_data=b"\x00\x01")
    await room.error("bad_frame")
    assert await stored_bodies(live_session) == []
    # Still open: a valid message goes through, exactly 4000 characters are fine.
    assert (await send_message(room, "x" * 4000))["seq"] == 1
    assert await stored_bodies(live_session) == ["x" * 4000]


async def test_facilitator_events_are_refused_for_participants(live_cast, live_session):
    room = await open_room(live_cast["consultant"], live_session)
    target = live_cast["consultant2"].pk
    before = await session_row(live_session)
    refused = [
        {"type": "session.start"},
        {"type": "session.end"},
        {"type": "phase.set", "phase": "narrative"},
        {"type": "role.assign", "user_id": target, "role": "secretary"},
        {"type": "participant.mute", "user_id": target, "reason": "weil"},
        {"type": "participant.unmute", "user_id": target},
        {"type": "participant.remove", "user_id": target, "reason": "weil"},
        {"type": "chat.lock"},
        {"type": "chat.unlock"},
        {"type": "case_giver.speak", "allowed": True},
        {"type": "hand.lower", "user_id": target},
        {"type": "message.delete", "seq": 1, "reason": "weil"},
    ]
    await send_message(await open_room(live_cast["consultant2"], live_session), "Meins")
    for frame in refused:
        await room.send(**frame)
        assert (await room.expect("error"))["code"] == "forbidden", frame
    after = await session_row(live_session)
    for field in ("state", "phase", "phase_ends_at", "chat_locked", "case_giver_may_speak"):
        assert getattr(after, field) == getattr(before, field), field
    assert await log_actions(live_session) == []
    other = await db_async(Participant.objects.get)(session=live_session, user_id=target)
    assert (other.role, other.muted, other.removed_at) == ("consultant", False, None)
    assert await stored_bodies(live_session) == ["Meins"]


async def test_lobby_start_phases_and_end(live_cast, lobby_session):
    facilitator = await open_room(live_cast["facilitator"], lobby_session)
    member = await open_room(live_cast["consultant"], lobby_session)
    # No chat in the lobby.
    await member.send(type="message.send", client_id=cid(), body="Schon jemand da?")
    await member.error("not_live")
    await facilitator.send(type="phase.set", phase="narrative")
    await facilitator.error("not_live")

    await facilitator.send(type="session.start")
    assert (await member.expect("state"))["state"] == State.LIVE
    phase = await member.expect("phase")
    assert (phase["phase"], phase["index"], phase["label"]) == ("casting", 0, "Casting")
    started = datetime.fromisoformat(phase["started_at"])
    assert datetime.fromisoformat(phase["ends_at"]) - started == timedelta(minutes=5)
    await facilitator.send(type="session.start")
    await facilitator.error("invalid")
    await send_message(member, "Jetzt geht's los")

    # Forward with a chosen timer, back with the default.
    await facilitator.send(type="phase.set", phase="narrative", minutes=7)
    phase = await member.expect("phase", phase="narrative")
    assert phase["index"] == 1 and phase["label"] == "Spontanerzählung"
    duration = datetime.fromisoformat(phase["ends_at"]) - datetime.fromisoformat(
        phase["started_at"]
    )
    assert duration.total_seconds() == 7 * 60
    await facilitator.send(type="phase.set", phase="casting")
    assert (await member.expect("phase", phase="casting"))["index"] == 0
    bad_phases = [
        {"phase": "pause"},
        {"phase": "advice", "minutes": 0},
        {"phase": "advice", "minutes": 999},
    ]
    for bad in bad_phases:
        await facilitator.send(type="phase.set", **bad)
        await facilitator.error("invalid")
    row = await session_row(lobby_session)
    assert row.phase == "casting"

    await db_async(Participant.objects.filter(session=lobby_session).update)(hand_raised_at=None)
    await db_async(LiveSession.objects.filter(pk=lobby_session.pk).update)(
        notes="Protokoll bleibt", notes_version=3
    )
    await facilitator.send(type="session.end")
    ended = await member.expect("state")
    assert ended["state"] == State.ENDED and ended["ended_at"]
    row = await session_row(lobby_session)
    assert row.state == State.ENDED and row.ended_at and row.notes == "Protokoll bleibt"
    # Every connection is closed by its recheck: 4403.
    assert (await member.expect("close"))["code"] == 4403
    assert (await facilitator.expect("close"))["code"] == 4403
    actions = [a for a, _reason in await log_actions(lobby_session)]
    assert actions == ["start", "phase", "phase", "end"]


async def test_mute_and_unmute(live_cast, live_session):
    facilitator = await open_room(live_cast["facilitator"], live_session)
    member = await open_room(live_cast["consultant"], live_session)
    watcher = await open_room(live_cast["consultant2"], live_session)
    target = live_cast["consultant"].pk
    await facilitator.send(type="participant.mute", user_id=target)
    await facilitator.error("invalid")  # a reason is required
    await facilitator.send(type="participant.mute", user_id=target, reason="Bitte kurz zuhören.")
    assert await member.expect("muted") == {"type": "muted", "muted": True}
    await watcher.expect(
        "presence",
        where=lambda f: next(p for p in f["participants"] if p["id"] == target)["muted"],
    )
    await member.send(type="message.send", client_id=cid(), body="Aber ich wollte noch …")
    await member.error("muted")
    await facilitator.send(type="participant.mute", user_id=target, reason="nochmal")
    await facilitator.error("invalid")
    # A facilitator cannot be muted.
    await facilitator.send(type="participant.mute", user_id=live_cast["facilitator"].pk, reason="x")
    await facilitator.error("forbidden")
    await facilitator.send(type="participant.unmute", user_id=target)
    assert (await member.expect("muted"))["muted"] is False
    await send_message(member, "Danke!")
    assert await stored_bodies(live_session) == ["Danke!"]
    assert await log_actions(live_session) == [("mute", "Bitte kurz zuhören."), ("unmute", "")]
    # Nobody else got the "muted" frame.
    assert not [f for f in watcher.frames if f["type"] == "muted"]


async def test_case_giver_listens_during_advice(live_cast, live_session):
    facilitator = await open_room(live_cast["facilitator"], live_session)
    case_giver = await open_room(live_cast["case_giver"], live_session)
    await send_message(case_giver, "Mein Fall: ein Drohbrief.")
    await facilitator.send(type="phase.set", phase="advice")
    await case_giver.expect("phase", phase="advice")
    await case_giver.send(type="message.send", client_id=cid(), body="Darf ich?")
    await case_giver.error("listen_only")
    consultant = await open_room(live_cast["consultant"], live_session)
    assert consultant.welcome["me"]["may_write"] is True
    again = await open_room(live_cast["case_giver"], live_session)
    assert again.welcome["me"]["may_write"] is False
    await send_message(consultant, "Vorschlag: Anzeige erstatten.")

    await facilitator.send(type="case_giver.speak", allowed=True)
    assert (await case_giver.expect("case_giver.speak"))["allowed"] is True
    await send_message(case_giver, "Danke, das probiere ich.")
    await facilitator.send(type="case_giver.speak", allowed="ja")
    await facilitator.error("invalid")
    await facilitator.send(type="case_giver.speak", allowed=False)
    assert (await case_giver.expect("case_giver.speak"))["allowed"] is False
    await case_giver.send(type="message.send", client_id=cid(), body="Noch was")
    await case_giver.error("listen_only")
    assert await stored_bodies(live_session) == [
        "Mein Fall: ein Drohbrief.",
        "Vorschlag: Anzeige erstatten.",
        "Danke, das probiere ich.",
    ]
    assert [a for a, _r in await log_actions(live_session)] == [
        "phase",
        "lift_listen_only",
        "restore_listen_only",
    ]


async def test_locked_chat(live_cast, live_session):
    facilitator = await open_room(live_cast["facilitator"], live_session)
    member = await open_room(live_cast["consultant"], live_session)
    await facilitator.send(type="chat.lock")
    assert (await member.expect("chat.locked"))["locked"] is True
    await member.send(type="message.send", client_id=cid(), body="Hallo?")
    await member.error("locked")
    await send_message(facilitator, "Kurze Pause, gleich geht es weiter.")
    await facilitator.send(type="chat.unlock")
    assert (await member.expect("chat.locked"))["locked"] is False
    await send_message(member, "Weiter geht's")
    assert await stored_bodies(live_session) == [
        "Kurze Pause, gleich geht es weiter.",
        "Weiter geht's",
    ]
    assert [a for a, _r in await log_actions(live_session)] == ["lock", "unlock"]


async def test_roles(live_cast, live_session):
    facilitator = await open_room(live_cast["facilitator"], live_session)
    member = await open_room(live_cast["consultant"], live_session)
    target = live_cast["consultant"].pk
    await facilitator.send(type="role.assign", user_id=target, role="secretary")
    roles = await member.expect("roles")
    by_name = {p["name"]: p["role"] for p in roles["participants"]}
    assert by_name["BeraterEins"] == "secretary"
    assert by_name["SchriftFuehrung"] == "consultant"  # one secretary at a time
    await facilitator.send(type="role.assign", user_id=target, role="case_giver")
    roles = await member.expect("roles")
    by_name = {p["name"]: p["role"] for p in roles["participants"]}
    assert by_name["BeraterEins"] == "case_giver" and by_name["FallGeberLive"] == "consultant"
    row = await session_row(live_session)
    assert row.case_giver_id == target
    for bad, code in [
        ({"user_id": target, "role": "facilitator"}, "invalid"),
        ({"user_id": target, "role": "chef"}, "invalid"),
        ({"user_id": live_cast["facilitator"].pk, "role": "consultant"}, "forbidden"),
        ({"user_id": live_cast["outsider"].pk, "role": "consultant"}, "not_found"),
        ({"user_id": live_cast["removed"].pk, "role": "consultant"}, "not_found"),
    ]:
        await facilitator.send(type="role.assign", **bad)
        assert (await facilitator.expect("error"))["code"] == code, bad
    assert [a for a, _r in await log_actions(live_session)] == ["role", "role"]


async def test_notes_with_versions(live_cast, live_session):
    secretary = await open_room(live_cast["secretary"], live_session)
    facilitator = await open_room(live_cast["facilitator"], live_session)
    member = await open_room(live_cast["consultant"], live_session)
    await secretary.send(type="notes.update", version=0, text="1. Fall vorgestellt")
    notes = await member.expect("notes")
    assert notes == {
        "type": "notes",
        "text": "1. Fall vorgestellt",
        "version": 1,
        "by": {"id": live_cast["secretary"].pk, "name": "SchriftFuehrung"},
    }
    await member.send(type="notes.update", version=1, text="Ich schreibe mit")
    await member.error("forbidden")
    # The facilitator edits based on an old version: conflict, nothing changes.
    await facilitator.send(type="notes.update", version=0, text="Meine Fassung")
    conflict = await facilitator.expect("notes.conflict")
    assert conflict == {"type": "notes.conflict", "text": "1. Fall vorgestellt", "version": 1}
    await facilitator.error("conflict")
    row = await session_row(live_session)
    assert (row.notes, row.notes_version) == ("1. Fall vorgestellt", 1)
    await facilitator.send(type="notes.update", version=1, text="1. Fall vorgestellt\n2. Frage")
    assert (await secretary.expect("notes", version=2))["text"].endswith("2. Frage")
    # Clearing the notes is allowed (blank text), too long is not.
    await secretary.send(type="notes.update", version=2, text="x" * 50_001)
    await secretary.error("too_large")
    await secretary.send(type="notes.update", version=2, text="")
    assert (await member.expect("notes", version=3))["text"] == ""


async def test_hands(live_cast, live_session):
    facilitator = await open_room(live_cast["facilitator"], live_session)
    first = await open_room(live_cast["consultant"], live_session)
    second = await open_room(live_cast["consultant2"], live_session)
    await second.send(type="hand.raise")
    queue = (await facilitator.expect("hands"))["queue"]
    assert [h["name"] for h in queue] == ["BeraterZwei"]
    await first.send(type="hand.raise")
    queue = (await facilitator.expect("hands"))["queue"]
    assert [h["name"] for h in queue] == ["BeraterZwei", "BeraterEins"]
    await second.send(type="hand.raise")  # again: keeps the first place
    queue = (await facilitator.expect("hands"))["queue"]
    assert [h["name"] for h in queue] == ["BeraterZwei", "BeraterEins"]
    await first.send(type="hand.lower", user_id=live_cast["consultant2"].pk)
    await first.error("forbidden")
    await facilitator.send(type="hand.lower", user_id=live_cast["consultant2"].pk)
    queue = (await first.expect("hands"))["queue"]
    assert [h["name"] for h in queue] == ["BeraterEins"]
    await first.send(type="hand.lower")
    assert (await second.expect("hands", queue=[]))["queue"] == []


async def test_typing_is_relayed_throttled_and_not_stored(live_cast, live_session):
    member = await open_room(live_cast["consultant"], live_session)
    watcher = await open_room(live_cast["consultant2"], live_session)
    await member.send(type="typing")
    typing = await watcher.expect("typing")
    assert typing == {
        "type": "typing",
        "user": {"id": live_cast["consultant"].pk, "name": "BeraterEins"},
    }
    await member.send(type="typing")  # within 2 s: dropped
    await member.send(type="hand.raise")  # a marker that the typing was handled before it
    await watcher.expect("hands")
    assert [f for f in watcher.frames if f["type"] == "typing"] == [typing]
    assert await stored_bodies(live_session) == []


async def test_rate_limit(live_cast, live_session, monkeypatch):
    import komma.core.ratelimit as ratelimit

    class FrozenTime:
        @staticmethod
        def time():
            return 1_800_000_000.0  # one fixed window for the whole test

    monkeypatch.setattr(ratelimit, "time", FrozenTime)
    room = await open_room(live_cast["consultant"], live_session)
    other = await open_room(live_cast["consultant2"], live_session)
    for number in range(10):
        await send_message(room, f"Nachricht {number}")
    client_id = cid()
    await room.send(type="message.send", client_id=client_id, body="zu viel")
    refused = await room.error("rate_limited")
    assert refused["ref"] == client_id
    assert len(await stored_bodies(live_session)) == 10
    assert (await session_row(live_session)).last_seq == 10  # no number was used up
    # Per user: someone else may still write.
    assert (await send_message(other, "Ich darf"))["seq"] == 11


async def test_presence(live_cast, live_session):
    member = await open_room(live_cast["consultant"], live_session)
    assert online_names(member.welcome) == {"BeraterEins"}
    other = await open_room(live_cast["consultant2"], live_session)
    await member.expect("presence", where=lambda f: "BeraterZwei" in online_names(f))
    await other.close()
    await member.expect("presence", where=lambda f: online_names(f) == {"BeraterEins"})
    # Two tabs: closing one keeps the person online (no presence without them follows).
    tab1 = await open_room(live_cast["secretary"], live_session)
    await member.expect("presence", where=lambda f: "SchriftFuehrung" in online_names(f))
    tab2 = await open_room(live_cast["secretary"], live_session)
    await tab1.close()
    await tab2.send(type="hand.raise")  # a marker: everything before it has arrived
    await member.expect("hands")
    later = member.frames[member.frames.index(next(
        f for f in member.frames
        if f["type"] == "presence" and "SchriftFuehrung" in online_names(f)
    )):]  # fmt: skip
    assert all("SchriftFuehrung" in online_names(f) for f in later if f["type"] == "presence")
    participant = await db_async(Participant.objects.get)(
        session=live_session, user=live_cast["secretary"]
    )
    assert participant.last_seen_at is not None and participant.first_joined_at is not None
    await tab2.close()
    await member.expect("presence", where=lambda f: online_names(f) == {"BeraterEins"})


async def test_group_facilitator_runs_a_session_of_someone_else(live_cast):
    session = await db_async(make_session)(live_cast, State.LOBBY)
    stand_in = await open_room(live_cast["stand_in"], session)
    member = await open_room(live_cast["consultant"], session)
    await stand_in.send(type="session.start")
    assert (await member.expect("state"))["state"] == "live"
    entries = await db_async(list)(
        SessionLog.objects.filter(session=session).values_list("actor_id", "action")
    )
    assert entries == [(live_cast["stand_in"].pk, "start")]
