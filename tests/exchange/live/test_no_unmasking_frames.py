"""Nobody is unmasked over the WebSocket: every frame every participant receives
during a whole session — with distinctive real names, e-mails, offices and
municipalities seeded for everyone — shows none of them."""

import uuid

import pytest

from .conftest import NEEDLES, open_room

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("close_rooms"),
]


async def test_no_frame_of_a_whole_session_shows_an_identity(live_cast, lobby_session):
    names = ["facilitator", "case_giver", "consultant", "consultant2", "secretary", "stand_in"]
    rooms = {key: await open_room(live_cast[key], lobby_session) for key in names}
    facilitator, case_giver = rooms["facilitator"], rooms["case_giver"]
    consultant, secretary = rooms["consultant"], rooms["secretary"]
    ids = {key: live_cast[key].pk for key in live_cast}

    async def step(room, **frame):
        await room.send(**frame)
        for other in rooms.values():  # let everyone receive everything
            await other.drain(0.05)

    await step(facilitator, type="session.start")
    await step(facilitator, type="role.assign", user_id=ids["consultant2"], role="secretary")
    await step(facilitator, type="role.assign", user_id=ids["secretary"], role="consultant")
    await step(facilitator, type="phase.set", phase="narrative")
    for room, body in [
        (case_giver, "Nach der Ratssitzung kamen Drohbriefe ins Rathaus."),
        (consultant, "Habt ihr Anzeige erstattet?"),
        (case_giver, "Ja, und die Polizei informiert."),
    ]:
        await step(room, type="message.send", client_id=str(uuid.uuid4()), body=body)
    await step(consultant, type="typing")
    await step(consultant, type="hand.raise")
    await step(rooms["consultant2"], type="notes.update", version=0, text="Fall: Drohbriefe")
    await step(secretary, type="notes.update", version=1, text="nicht mehr Protokoll")  # forbidden
    await step(rooms["consultant2"], type="notes.update", version=0, text="veraltet")  # conflict
    await step(consultant, type="message.edit", seq=2, body="Habt ihr schon Anzeige erstattet?")
    await step(facilitator, type="phase.set", phase="advice", minutes=20)
    await step(case_giver, type="message.send", client_id=str(uuid.uuid4()), body="Frage?")
    await step(facilitator, type="case_giver.speak", allowed=True)
    await step(facilitator, type="participant.mute", user_id=ids["secretary"], reason="Pause")
    await step(facilitator, type="participant.unmute", user_id=ids["secretary"])
    await step(facilitator, type="message.delete", seq=1, reason="zu konkret")
    await step(facilitator, type="hand.lower", user_id=ids["consultant"])
    await step(facilitator, type="chat.lock")
    await step(facilitator, type="chat.unlock")
    await step(facilitator, type="participant.remove", user_id=ids["secretary"], reason="Test")
    late = await open_room(live_cast["case_giver"], lobby_session, last_seq=0)
    rooms["late"] = late
    await step(rooms["consultant"], type="resume", last_seq=0)
    await step(facilitator, type="session.end")

    every_frame = "\n".join(text for room in rooms.values() for text in room.raw)
    kinds = {frame["type"] for room in rooms.values() for frame in room.frames}
    # The session really happened: every kind of server event was received ...
    assert kinds >= {
        "welcome", "message", "replay.done", "ack", "message.edited", "message.deleted",
        "presence", "typing", "hands", "phase", "state", "chat.locked", "case_giver.speak",
        "roles", "notes", "notes.conflict", "removed", "muted", "error",
    }, kinds  # fmt: skip
    # ... showing people by pseudonym ...
    for pseudonym in ("LeitungLive", "FallGeberLive", "BeraterEins", "SchriftFuehrung"):
        assert pseudonym in every_frame
    # ... and nobody's identity.
    found = [needle for needle in NEEDLES if needle.lower() in every_frame.lower()]
    assert found == []
