"""Room fan-out: a room event is encoded once, framed once and written to every member.

Channels' default path for a room is ``group_send`` to a group with one channel per
connection: per event and per member one layer message, one deep copy and (in the
in-memory layer) one scan of every channel, then a consumer handler and the ASGI
send chain. A room of 200 at 20 messages a second is 4,000 of those a second.

Here every process keeps a *hub* (one per event loop) that knows the local members
of each room:

- ``publish`` JSON-encodes the event once and delivers it to the local members at
  once, in the publishing coroutine; other processes get it through the channel
  layer, one message per process: every hub subscribes one channel of its own to a
  room's group while it serves a member of that room. A hub ignores what it sent
  itself (origin id), so nobody gets an event twice. On the in-memory layer, which
  cannot reach other processes, the layer is skipped unless another hub of this
  process (tests simulate processes so) listens to the room.
- Delivery to a member writes the text frame with the connection's ASGI ``send``
  (one prebuilt ``websocket.send`` message for all members; the session
  middleware's wrapper is skipped: it only acts on HTTP responses). Under Daphne
  the frame is even *framed* once (autobahn's prepared message) and handed to each
  connection's protocol, with the checks Daphne's own send makes (connection still
  there, accepted, open). Anything else (another server, the test communicator)
  takes the plain ASGI send.
- Events of one room reach every member in publish order: Daphne writes happen
  at once; plain ASGI sends are awaited one event after the other by a delivery
  task of the room.
- Chat messages of one room are delivered in ``seq`` order across processes:
  messages committed in two processes can cross in the layer (B's seq 6 arrives
  here before A's seq 5 does). The hub remembers the next ``seq`` it expects per
  room; a ``message`` frame that skips ahead is held for up to ``REORDER_HOLD``
  seconds (150 ms) until the missing ones arrive, then everything held goes out
  in ``seq`` order anyway (a lost layer message must not stall the room: the
  client resumes the gap). Other events are not held (they carry no ``seq``);
  a late message (``seq`` below the expected one) is delivered at once.

Consumers keep the Channels API: they ``join``/``leave`` with themselves and may
``send`` to their own connection as usual; both paths write in program order.

The layer stays at-most-once; the database is the truth (sequence numbers and
replay in ``exchange.live``), so a lost hub message is recovered by the client's
resume, never silently.
"""

import asyncio
import collections
import functools
import json
import logging
import uuid
import weakref

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import InMemoryChannelLayer
from django.conf import settings

logger = logging.getLogger(__name__)

HUB_CHANNEL_PREFIX = "live-hub."
# how room "message" frames begin (``encode`` of ``events.message``: type, then seq)
MESSAGE_PREFIX = '{"type":"message","seq":'
REORDER_HOLD = 0.15  # seconds a message waits for the ones before it

try:  # Daphne's per-connection ASGI send is ``partial(Server.handle_reply, protocol)``
    from autobahn.websocket.protocol import WebSocketProtocol
    from daphne.server import Server as DaphneServer
    from daphne.ws_protocol import WebSocketProtocol as DaphneWebSocketProtocol

    _DAPHNE_HANDLE_REPLY = DaphneServer.handle_reply
    _OPEN = WebSocketProtocol.STATE_OPEN
except ImportError:  # pragma: no cover - Daphne is a dependency, but keep the hub portable
    _DAPHNE_HANDLE_REPLY = None

try:
    from channels.sessions import InstanceSessionWrapper
except ImportError:  # pragma: no cover
    InstanceSessionWrapper = None


def room_group(room: str) -> str:
    """The channel-layer group of a room's hubs."""
    return f"live.room.{room}"


def encode(event: dict) -> str:
    """A room event as the text frame every member receives."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


def _asgi_send(consumer):
    """The connection's ASGI send below the session middleware's wrapper.

    ``InstanceSessionWrapper.send`` only saves the session on HTTP responses; for
    ``websocket.send`` it passes the message on unchanged.
    """
    send = consumer.base_send
    while (
        InstanceSessionWrapper is not None
        and getattr(send, "__func__", None) is InstanceSessionWrapper.send
    ):
        send = send.__self__.real_send
    return send


def _daphne_connection(send):
    """(protocol, server connections) when ``send`` is Daphne's WebSocket send, else None."""
    if (
        _DAPHNE_HANDLE_REPLY is not None
        and isinstance(send, functools.partial)
        and getattr(send.func, "__func__", None) is _DAPHNE_HANDLE_REPLY
        and len(send.args) == 1
        and not send.keywords
        and isinstance(send.args[0], DaphneWebSocketProtocol)
    ):
        return send.args[0], send.func.__self__.connections
    return None


class _Member:
    """How one connection is written to."""

    __slots__ = ("consumer", "daphne", "direct", "pending", "send")

    def __init__(self, consumer):
        self.consumer = consumer
        # a consumer that overrides ``send`` (to buffer or filter) is written to
        # directly only while it says so (``hub_direct``), else through its ``send``
        self.direct = getattr(type(consumer), "send", None) is AsyncWebsocketConsumer.send
        try:
            asgi_send = _asgi_send(consumer)
        except AttributeError:  # not running as an ASGI application (a test double)
            asgi_send = None
        # the plain ASGI send for consumers that do not override ``send``
        self.send = asgi_send if self.direct else None
        self.daphne = _daphne_connection(asgi_send) if asgi_send is not None else None
        self.pending = 0  # events queued for this member's ``send``, not yet written


def _message_seq(text: str) -> int | None:
    """The ``seq`` of a room ``message`` frame, else None (cheap: no JSON parsing)."""
    if not text.startswith(MESSAGE_PREFIX):
        return None
    seq = text[len(MESSAGE_PREFIX) : len(MESSAGE_PREFIX) + 21].split(",", 1)[0]
    return int(seq) if seq.isdigit() else None


class _Order:
    """The message order of one room in one hub: next expected seq, frames held."""

    __slots__ = ("expected", "held", "timer")

    def __init__(self):
        self.expected: int | None = None
        self.held: dict[int, str] = {}
        self.timer: asyncio.TimerHandle | None = None


class RoomHub:
    """The fan-out of one process (one event loop)."""

    def __init__(self, layer):
        self.layer = layer
        self.origin = uuid.uuid4().hex
        # room -> {consumer: _Member}; a dict keeps the join order
        self.rooms: dict[str, dict] = {}
        self.channel: str | None = None
        self._task: asyncio.Task | None = None
        self._lock = asyncio.Lock()
        # room -> (text, members) queued for members written to through their send
        self._pending: dict[str, collections.deque] = {}
        self._tasks: set[asyncio.Task] = set()  # running deliveries (kept referenced)
        self.delivered = 0  # deliveries made (for tests and the benchmark)
        # LIVE_REORDER_HOLD_SECONDS: for the benchmark (how long crossings last under load)
        self.reorder_hold = float(getattr(settings, "LIVE_REORDER_HOLD_SECONDS", REORDER_HOLD))
        self._orders: dict[str, _Order] = {}  # room -> message order

    async def _ensure_started(self):
        if self.channel is None:
            # channels_redis reads every process-local ("!") channel through ONE real
            # channel per process ("specific.<client prefix>!") under one lock: a
            # channel of another prefix is only read while no consumer's receive()
            # holds that lock — in Daphne practically never (found by L1's two-process
            # test). So on Redis the hub takes the standard prefix.
            prefix = "specific" if hasattr(self.layer, "client_prefix") else HUB_CHANNEL_PREFIX
            self.channel = await self.layer.new_channel(prefix)
            self._task = asyncio.ensure_future(self._run())

    async def join(self, room: str, consumer) -> None:
        """Deliver ``room``'s events to ``consumer`` (an accepted WebSocket consumer)."""
        async with self._lock:
            await self._ensure_started()
            members = self.rooms.get(room)
            if members is None:
                members = self.rooms[room] = {}
                await self.layer.group_add(room_group(room), self.channel)
            if consumer not in members:
                members[consumer] = _Member(consumer)

    async def leave(self, room: str, consumer) -> None:
        """Stop delivering ``room``'s events to ``consumer``."""
        async with self._lock:
            members = self.rooms.get(room)
            if members is None:
                return
            members.pop(consumer, None)
            if not members:
                del self.rooms[room]
                order = self._orders.pop(room, None)
                if order is not None and order.timer is not None:
                    order.timer.cancel()
                await self.layer.group_discard(room_group(room), self.channel)

    async def publish(self, room: str, event: dict) -> None:
        """Send ``event`` to every connection of ``room`` on every process."""
        text = encode(event)
        await self._deliver(room, text)
        if not self._others_listen(room):
            return
        try:
            await self.layer.group_send(
                room_group(room),
                {"type": "live.fanout", "room": room, "text": text, "origin": self.origin},
            )
        except Exception:  # stored already; other processes' clients resume from the gap
            logger.exception("live hub: publishing to other processes failed")

    def local_members(self, room: str) -> int:
        return len(self.rooms.get(room, ()))

    def _others_listen(self, room: str) -> bool:
        """Whether a hub other than this one may listen to ``room`` through the layer."""
        if isinstance(self.layer, InMemoryChannelLayer):
            # An in-memory layer lives in this process: its group is all there is.
            listeners = self.layer.groups.get(room_group(room), ())
            return any(channel != self.channel for channel in listeners)
        return True

    async def _deliver(self, room: str, text: str) -> None:
        """Deliver ``text`` to the local members of ``room``; messages in seq order."""
        seq = _message_seq(text)
        if seq is None:
            self._write(room, text)
            return
        order = self._orders.get(room)
        if order is None:
            if room not in self.rooms:
                return
            order = self._orders[room] = _Order()
        expected = order.expected
        if expected is None or seq < expected:  # the first one seen here, or late
            self._write(room, text)
            if expected is None:
                order.expected = seq + 1
            return
        if seq > expected:  # one before it is still on its way
            order.held[seq] = text
            if order.timer is None:
                order.timer = asyncio.get_running_loop().call_later(
                    self.reorder_hold, self._release, room, order
                )
            return
        self._write(room, text)
        seq += 1
        held = order.held
        while seq in held:
            self._write(room, held.pop(seq))
            seq += 1
        order.expected = seq
        if not held and order.timer is not None:
            order.timer.cancel()
            order.timer = None

    def _release(self, room: str, order: _Order) -> None:
        """The hold is over: deliver what is held, in seq order, gaps or not."""
        order.timer = None
        if self._orders.get(room) is not order or not order.held:
            return
        held, order.held = order.held, {}
        for seq in sorted(held):
            self._write(room, held[seq])
        order.expected = max(held) + 1

    def _write(self, room: str, text: str) -> None:
        """Write ``text`` to every local member of ``room``.

        Daphne connections are written to right here, without waiting. Everything
        else (a consumer's own ``send``, another ASGI server) is awaited in the
        room's delivery task, which takes the room's events one after the other; a
        member with events still queued there gets later ones queued too. So every
        member sees the room's events in publish order, and a publisher whose own
        connection closes meanwhile cannot cut a delivery short.
        """
        members = self.rooms.get(room)
        if not members:
            return
        prepared = None
        delivered = 0
        waiting = None
        for member in tuple(members.values()):
            daphne = member.daphne
            if (
                daphne is None
                or member.pending
                or not (member.direct or getattr(member.consumer, "hub_direct", False))
            ):
                if waiting is None:
                    waiting = []
                waiting.append(member)
                member.pending += 1
                continue
            protocol, connections = daphne
            # the checks of Daphne's handle_reply and of autobahn's sendMessage
            connection = connections.get(protocol)
            if connection is None or connection.get("disconnected") or protocol.state != _OPEN:
                continue
            try:
                if prepared is None:
                    prepared = protocol.factory.prepareMessage(text.encode())
                protocol.sendPreparedMessage(prepared)
                delivered += 1
            except Exception:  # one broken socket must not stop the room
                logger.debug("live hub: send to a closing connection failed", exc_info=True)
        self.delivered += delivered
        if waiting:
            queue = self._pending.get(room)
            if queue is None:
                queue = self._pending[room] = collections.deque()
                self._tasks.add(task := asyncio.ensure_future(self._drain(room, queue)))
                task.add_done_callback(self._tasks.discard)
            queue.append((text, waiting))

    async def _drain(self, room: str, queue: collections.deque) -> None:
        """Deliver a room's queued events through each member's send, in order."""
        try:
            while queue:
                text, members = queue[0]
                message = {"type": "websocket.send", "text": text}
                for member in members:
                    try:
                        if member.send is not None:
                            # one message object for all: ASGI servers do not change it
                            await member.send(message)
                        else:
                            await member.consumer.send(text_data=text)
                        self.delivered += 1
                    except Exception:  # one closed socket must not stop the room
                        logger.debug("live hub: send to a closing connection failed", exc_info=True)
                    finally:
                        member.pending -= 1
                queue.popleft()
        finally:
            del self._pending[room]
            for _text, members in queue:  # only when cancelled (the loop is ending)
                for member in members:
                    member.pending -= 1

    async def _run(self):
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # a broken layer must not end the hub
                logger.exception("live hub: receive failed")
                await asyncio.sleep(0.5)
                continue
            if message.get("origin") == self.origin:
                continue  # delivered locally when it was published
            try:
                await self._deliver(message.get("room"), message["text"])
            except Exception:
                logger.exception("live hub: delivery failed")


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RoomHub]" = weakref.WeakKeyDictionary()


def hub_for(layer) -> RoomHub:
    """The hub of the running event loop (tests run one loop per test)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:
        hub = _hubs[loop] = RoomHub(layer)
    return hub
