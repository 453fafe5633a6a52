"""The room hub (exchange.live.fanout): local delivery, several processes on one
layer, leaving, isolation of a failing member, ordering.

Two ``RoomHub`` instances on one ``InMemoryChannelLayer`` stand for two processes;
consumers are test doubles with an async ``send`` (what the hub calls for anything
that is not a Daphne connection), plus one real consumer over the ASGI send.
"""

import asyncio
import json
import random

import pytest
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import InMemoryChannelLayer
from channels.testing import WebsocketCommunicator

from exchange.live import fanout
from exchange.live.fanout import RoomHub, hub_for

pytestmark = pytest.mark.asyncio

ROOM = "5f0c6a8e-0000-4000-8000-000000000001"
OTHER_ROOM = "5f0c6a8e-0000-4000-8000-000000000002"


class FakeConsumer:
    """Collects the frames the hub writes; may be slow (yields) or broken."""

    def __init__(self, *, delay=False, broken=False):
        self.frames: list[dict] = []
        self.delay = delay
        self.broken = broken

    async def send(self, text_data=None, bytes_data=None, close=False):
        if self.delay:
            await asyncio.sleep(random.random() / 1000)
        if self.broken:
            raise ConnectionError("the socket is gone")
        self.frames.append(json.loads(text_data))


async def settle(*hubs, rounds=50):
    """Let the hubs' receive loops and delivery tasks run until nothing is pending."""
    for _ in range(rounds):
        await asyncio.sleep(0)
    for hub in hubs:
        while hub._pending or any(
            not q.empty() for q in getattr(hub.layer, "channels", {}).values()
        ):
            await asyncio.sleep(0.001)
    for _ in range(rounds):
        await asyncio.sleep(0)


def numbers(consumer):
    return [frame["n"] for frame in consumer.frames]


async def test_local_delivery_reaches_every_member_once_and_skips_the_layer():
    layer = InMemoryChannelLayer()
    hub = RoomHub(layer)
    members = [FakeConsumer() for _ in range(3)]
    outsider = FakeConsumer()
    for member in members:
        await hub.join(ROOM, member)
    await hub.join(OTHER_ROOM, outsider)
    sent = []
    original = layer.group_send

    async def spy(group, message):
        sent.append(group)
        await original(group, message)

    layer.group_send = spy
    await hub.publish(ROOM, {"type": "message", "n": 1, "body": "Grüße"})
    await settle(hub)
    for member in members:
        assert member.frames == [{"type": "message", "n": 1, "body": "Grüße"}]
    assert outsider.frames == []
    # one process on an in-memory layer: nobody else could listen, so no layer traffic
    assert sent == []
    assert hub.local_members(ROOM) == 3


async def test_two_hubs_on_one_layer_each_deliver_exactly_once():
    layer = InMemoryChannelLayer()
    first, second = RoomHub(layer), RoomHub(layer)
    here = [FakeConsumer(), FakeConsumer()]
    there = [FakeConsumer(), FakeConsumer()]
    for member in here:
        await first.join(ROOM, member)
    for member in there:
        await second.join(ROOM, member)
    for n in range(5):
        await (first if n % 2 else second).publish(ROOM, {"type": "message", "n": n})
    await settle(first, second)
    for member in here + there:
        assert numbers(member) == [0, 1, 2, 3, 4]


async def test_a_hub_without_members_of_the_room_gets_nothing():
    layer = InMemoryChannelLayer()
    first, second = RoomHub(layer), RoomHub(layer)
    member = FakeConsumer()
    await first.join(ROOM, member)
    await second.join(OTHER_ROOM, FakeConsumer())
    await first.publish(ROOM, {"type": "message", "n": 1})
    await settle(first, second)
    assert numbers(member) == [1]
    assert second.delivered == 0


async def test_leave_stops_delivery_and_the_last_leave_unsubscribes_the_process():
    layer = InMemoryChannelLayer()
    first, second = RoomHub(layer), RoomHub(layer)
    staying, leaving, remote = FakeConsumer(), FakeConsumer(), FakeConsumer()
    await first.join(ROOM, staying)
    await first.join(ROOM, leaving)
    await second.join(ROOM, remote)
    await second.publish(ROOM, {"type": "message", "n": 1})
    await settle(first, second)
    await first.leave(ROOM, leaving)
    await second.publish(ROOM, {"type": "message", "n": 2})
    await settle(first, second)
    assert numbers(staying) == [1, 2]
    assert numbers(leaving) == [1]
    await first.leave(ROOM, staying)
    assert first.local_members(ROOM) == 0
    assert first.channel not in layer.groups.get(fanout.room_group(ROOM), {})
    await first.leave(ROOM, staying)  # leaving twice is harmless
    await second.publish(ROOM, {"type": "message", "n": 3})
    await settle(first, second)
    assert numbers(staying) == [1, 2]
    assert numbers(remote) == [1, 2, 3]


async def test_a_failing_member_does_not_stop_the_others():
    hub = RoomHub(InMemoryChannelLayer())
    before, broken, after = FakeConsumer(), FakeConsumer(broken=True), FakeConsumer()
    for member in (before, broken, after):
        await hub.join(ROOM, member)
    await hub.publish(ROOM, {"type": "message", "n": 1})
    await hub.publish(ROOM, {"type": "message", "n": 2})
    await settle(hub)
    assert numbers(before) == [1, 2]
    assert numbers(after) == [1, 2]
    assert broken.frames == []


async def test_order_is_kept_with_slow_members_and_concurrent_publishers():
    layer = InMemoryChannelLayer()
    first, second = RoomHub(layer), RoomHub(layer)
    local = [FakeConsumer(delay=True) for _ in range(4)]
    remote = [FakeConsumer(delay=True) for _ in range(4)]
    for member in local:
        await first.join(ROOM, member)
    for member in remote:
        await second.join(ROOM, member)
    # many publishers at once on one process (as many connections would)
    await asyncio.gather(*(first.publish(ROOM, {"type": "message", "n": n}) for n in range(60)))
    await settle(first, second)
    for member in local + remote:
        assert numbers(member) == list(range(60))


async def test_a_publisher_cancelled_mid_delivery_does_not_cut_it_short():
    hub = RoomHub(InMemoryChannelLayer())
    members = [FakeConsumer(delay=True) for _ in range(5)]
    for member in members:
        await hub.join(ROOM, member)
    task = asyncio.ensure_future(hub.publish(ROOM, {"type": "message", "n": 1}))
    await asyncio.sleep(0)
    task.cancel()
    await hub.publish(ROOM, {"type": "message", "n": 2})
    await settle(hub)
    for member in members:
        assert numbers(member) == [1, 2]


async def test_events_are_encoded_once():
    hub = RoomHub(InMemoryChannelLayer())
    for _ in range(10):
        await hub.join(ROOM, FakeConsumer())
    calls = []
    original = fanout.encode

    def counting(event):
        calls.append(event)
        return original(event)

    fanout.encode = counting
    try:
        await hub.publish(ROOM, {"type": "message", "n": 1})
    finally:
        fanout.encode = original
    await settle(hub)
    assert len(calls) == 1


class Broadcast(AsyncWebsocketConsumer):
    """A real consumer that does not override ``send``: the hub uses its ASGI send."""

    async def connect(self):
        await self.accept()
        await hub_for(self.channel_layer).join(ROOM, self)

    async def disconnect(self, code):
        await hub_for(self.channel_layer).leave(ROOM, self)

    async def receive(self, text_data=None, bytes_data=None):
        await hub_for(self.channel_layer).publish(ROOM, json.loads(text_data))


class Buffering(Broadcast):
    """Overrides ``send`` (as the live consumer does to hold frames until its
    replay): the hub must go through it unless the consumer sets ``hub_direct``."""

    async def send(self, text_data=None, bytes_data=None, close=False):
        await super().send(text_data=json.dumps({"via": "send", **json.loads(text_data)}))


@pytest.mark.django_db(transaction=True)  # Channels' dispatch closes old DB connections
async def test_real_consumers_get_frames_through_the_asgi_send_or_their_own_send(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    plain = WebsocketCommunicator(Broadcast.as_asgi(), "/ws/")
    buffering = WebsocketCommunicator(Buffering.as_asgi(), "/ws/")
    assert (await plain.connect())[0]
    assert (await buffering.connect())[0]
    await plain.send_to(text_data=json.dumps({"type": "message", "n": 1}))
    assert json.loads(await plain.receive_from()) == {"type": "message", "n": 1}
    assert json.loads(await buffering.receive_from()) == {"via": "send", "type": "message", "n": 1}
    await plain.disconnect()
    await buffering.disconnect()


def seqs(consumer):
    return [frame["seq"] for frame in consumer.frames if frame["type"] == "message"]


def chat(seq):
    return {"type": "message", "seq": seq, "body": f"Nachricht {seq}"}


async def test_messages_committed_in_two_processes_arrive_in_seq_order():
    """Process B's seq 3 overtakes process A's seq 2 in the layer: every member
    still gets 1, 2, 3 (the hub holds 3 until 2 is there; no timeout involved)."""
    layer = InMemoryChannelLayer()
    hub_a, hub_b = RoomHub(layer), RoomHub(layer)
    hub_a.reorder_hold = hub_b.reorder_hold = 60  # only the missing frame may release it
    on_a, on_b = FakeConsumer(), FakeConsumer()
    await hub_a.join(ROOM, on_a)
    await hub_b.join(ROOM, on_b)
    await hub_a.publish(ROOM, chat(1))
    await settle(hub_a, hub_b)
    await hub_b.publish(ROOM, chat(3))
    await settle(hub_a, hub_b)
    assert seqs(on_a) == [1] and seqs(on_b) == [1]  # 3 is held on both sides
    await hub_a.publish(ROOM, chat(2))
    await settle(hub_a, hub_b)
    assert seqs(on_a) == [1, 2, 3]
    assert seqs(on_b) == [1, 2, 3]
    assert all(not order.held and order.timer is None for order in hub_a._orders.values())


async def test_a_gap_that_never_fills_is_delivered_after_the_hold():
    """A lost layer message must not stall the room: after the hold the held frames
    go out in seq order; events without seq are never held; a late one goes at once."""
    layer = InMemoryChannelLayer()
    hub = RoomHub(layer)
    hub.reorder_hold = 0.01
    member = FakeConsumer()
    await hub.join(ROOM, member)
    await hub.publish(ROOM, chat(1))
    await hub.publish(ROOM, chat(4))
    await hub.publish(ROOM, chat(3))
    await hub.publish(ROOM, {"type": "typing", "user": {"id": 1, "name": "Eule"}})
    await settle(hub)
    assert [frame["type"] for frame in member.frames] == ["message", "typing"]
    for _ in range(500):  # the release runs once the hold is over
        if len(seqs(member)) == 3:
            break
        await asyncio.sleep(0.01)
    assert seqs(member) == [1, 3, 4]
    await hub.publish(ROOM, chat(2))  # too late to be put in place: delivered at once
    await hub.publish(ROOM, chat(5))
    await settle(hub)
    assert seqs(member) == [1, 3, 4, 2, 5]


async def test_leaving_the_room_drops_its_held_messages():
    layer = InMemoryChannelLayer()
    hub = RoomHub(layer)
    member = FakeConsumer()
    await hub.join(ROOM, member)
    await hub.publish(ROOM, chat(1))
    await hub.publish(ROOM, chat(3))
    await hub.leave(ROOM, member)
    assert ROOM not in hub._orders
    await hub.join(ROOM, member)
    await hub.publish(ROOM, chat(7))  # a fresh start: the first seq seen goes out
    await settle(hub)
    assert seqs(member) == [1, 7]
