"""Delivery guarantees: persist before broadcast, replay after reconnect, dedupe.

- A message frame is sent only after its row (with its sequence number) is
  committed: when the frame arrives, the row is there.
- A client that reconnects with the last sequence it saw gets exactly the
  messages it missed, in order, and ``replay.done`` before anything newer — also
  when new messages are broadcast while the replay is being read.
- A retried client id is stored once and acknowledged each time with its number.
"""

import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from exchange.live import consumers, events
from exchange.live.actions import Actor, do_send_message
from exchange.live.fanout import hub_for
from exchange.live.models import LiveSession, Message

from .conftest import open_room

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("close_rooms"),
]


@database_sync_to_async
def row(session, seq):
    return Message.objects.filter(session=session, seq=seq).values_list("body", flat=True).first()


async def say(room, body, client_id=None):
    client_id = client_id or str(uuid.uuid4())
    await room.send(type="message.send", client_id=client_id, body=body)
    return await room.expect("ack", client_id=client_id)


async def test_the_row_exists_when_the_frame_arrives(live_cast, live_session):
    sender = await open_room(live_cast["consultant"], live_session)
    reader = await open_room(live_cast["consultant2"], live_session)
    for number in range(1, 4):
        await sender.send(type="message.send", client_id=str(uuid.uuid4()), body=f"Punkt {number}")
        frame = await reader.expect("message", seq=number)
        assert await row(live_session, number) == f"Punkt {number}" == frame["body"]


async def test_reconnect_gets_exactly_what_was_missed_in_order(live_cast, live_session):
    writer = await open_room(live_cast["consultant"], live_session)
    reader = await open_room(live_cast["consultant2"], live_session)
    await say(writer, "eins")
    assert (await reader.expect("message"))["seq"] == 1
    await reader.close()  # the connection drops

    for body in ("zwei", "drei", "vier"):
        await say(writer, body)

    back = await open_room(live_cast["consultant2"], live_session, last_seq=1)
    assert [(m["type"], m["seq"], m["body"]) for m in back.replayed] == [
        ("message", 2, "zwei"),
        ("message", 3, "drei"),
        ("message", 4, "vier"),
    ]
    assert back.replay_done == {"type": "replay.done", "last_seq": 4}
    assert back.welcome["session"]["last_seq"] == 4
    await say(writer, "fünf")
    newer = await back.expect("message")
    assert (newer["seq"], newer["body"]) == (5, "fünf")
    # Nothing twice: every sequence number reached this client once.
    seqs = [f["seq"] for f in back.frames if f["type"] == "message"]
    assert seqs == [2, 3, 4, 5]

    # "resume" asks again for everything after a number (a gap the client noticed).
    await back.send(type="resume", last_seq=3)
    assert (await back.expect("message"))["seq"] == 4
    assert (await back.recv())["seq"] == 5
    assert await back.recv() == {"type": "replay.done", "last_seq": 5}


async def test_live_messages_during_the_replay_do_not_overtake_it(
    live_cast, live_session, monkeypatch
):
    """While the replay is read, one message is committed before the read (so it is in
    the replay, and its broadcast arrives afterwards) and one after it (broadcast
    only): the client gets each once, in order, the live one after ``replay.done``."""
    writer = await open_room(live_cast["consultant"], live_session)
    await say(writer, "vorher")
    actor = Actor(live_cast["consultant"], live_session.pk)
    layer = get_channel_layer()
    hub = hub_for(layer)
    room_key = str(live_session.public_id)
    original = consumers._replay_frames

    def racing_replay(*args):
        early = do_send_message(actor, uuid.uuid4(), "während des Lesens (früh)")
        frames = original(*args)
        late = do_send_message(actor, uuid.uuid4(), "während des Lesens (spät)")
        for outcome in (early, late):
            async_to_sync(hub.publish)(room_key, outcome.room[0])
        return frames

    monkeypatch.setattr(consumers, "_replay_frames", racing_replay)
    reader = await open_room(live_cast["consultant2"], live_session, hello=False)
    await reader.send(type="hello", last_seq=0)
    await reader.expect("welcome")
    got = []
    while True:
        frame = await reader.recv()
        if frame["type"] == "message":
            got.append((frame["seq"], frame["body"]))
        elif frame["type"] == "replay.done":
            got.append(("done", frame["last_seq"]))
        if frame["type"] == "message" and frame["seq"] == 3:
            break
    assert got == [
        (1, "vorher"),
        (2, "während des Lesens (früh)"),
        ("done", 2),
        (3, "während des Lesens (spät)"),
    ]
    assert not [f for f in await reader.drain() if f["type"] == "message"]


async def test_frames_before_hello_wait_for_the_welcome(live_cast, live_session):
    reader = await open_room(live_cast["consultant2"], live_session, hello=False)
    writer = await open_room(live_cast["consultant"], live_session)
    await say(writer, "schon da")
    # The reader has not said hello: it gets nothing yet.
    assert await reader.communicator.receive_nothing(0.3)
    await reader.send(type="hello", last_seq=0)
    assert (await reader.recv())["type"] == "welcome"
    assert (await reader.recv())["seq"] == 1
    assert (await reader.recv())["type"] == "replay.done"
    later = [f for f in await reader.drain() if f["type"] == "message"]
    assert later == []  # the buffered broadcast of seq 1 was not sent twice


async def test_a_retried_client_id_is_stored_once_and_acked_twice(live_cast, live_session):
    sender = await open_room(live_cast["consultant"], live_session)
    reader = await open_room(live_cast["consultant2"], live_session)
    client_id = str(uuid.uuid4())
    first = await say(sender, "Nur einmal bitte", client_id)
    await sender.close()  # the ack may have been lost: the client retries after reconnecting
    again = await open_room(live_cast["consultant"], live_session, last_seq=0)
    assert [m["client_id"] for m in again.replayed] == [client_id]
    second = await say(again, "Nur einmal bitte", client_id)
    assert first == second == {"type": "ack", "client_id": client_id, "seq": 1}
    count = await database_sync_to_async(Message.objects.filter(session=live_session).count)()
    assert count == 1
    session = await database_sync_to_async(LiveSession.objects.get)(pk=live_session.pk)
    assert session.last_seq == 1
    await say(again, "Etwas Neues")
    messages = [f["seq"] for f in reader.frames if f["type"] == "message"]
    messages += [f["seq"] for f in await reader.drain() if f["type"] == "message"]
    assert messages == [1, 2]  # the retry was not broadcast again
    # The same client id of another author is another message.
    other = await say(reader, "Zufällig gleiche Kennung", client_id)
    assert other["seq"] == 3


async def test_message_frames_carry_the_protocol_fields(live_cast, live_session):
    sender = await open_room(live_cast["consultant"], live_session)
    client_id = str(uuid.uuid4())
    await say(sender, "Form", client_id)
    frame = await sender.expect("message")
    stored = await database_sync_to_async(Message.objects.select_related("author").get)(
        session=live_session, seq=1
    )
    assert frame == events.message(stored) | {"type": "message"}
    assert set(frame) == {
        "type", "seq", "id", "client_id", "author", "body", "created_at", "edited_at", "deleted",
    }  # fmt: skip
