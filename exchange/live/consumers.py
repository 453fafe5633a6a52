"""The live room's WebSocket consumer: authorise, join, relay. Logic lives in
``access`` (who), ``actions`` (writes) and ``events`` (frames).

Delivery
    Room events travel through the process's hub (``fanout``) and reach this
    connection via ``send(text_data=...)``. Until the client's ``hello`` has been
    answered with ``welcome``, the missed messages and ``replay.done``, hub frames
    are buffered; afterwards the buffer is flushed in order, without the messages
    the replay already contained. So a reconnecting client gets exactly what it
    missed, in order, before anything newer. Frames of one connection are handled
    one after another (Channels dispatches a consumer's messages sequentially).

Presence (several processes)
    ``Participant.last_seen_at`` is the truth: a person is online while it is
    younger than ``LIVE_PRESENCE_TTL_SECONDS`` (30). The room's recheck refreshes
    it for everyone connected here (one UPDATE, each person at most every TTL/3);
    when a person's last connection *in this process* closes, it is cleared and
    presence published. If they still have a connection in another process, that
    process's next recheck sees the cleared value, sets it again and publishes
    presence (a flicker of at most one recheck interval). A crashed process's
    connections drop out after the TTL.

Revocation
    ``session.revoked``/``access.changed`` (``MemberConsumer``) close at once;
    removal from the session closes the removed person's sockets in this room at
    once (``live.user`` event, 4403); a recheck every ``LIVE_RECHECK_SECONDS``
    (3) catches everything else: account deactivated, membership lost, session
    ended or cancelled elsewhere. It runs once per room and process (``RoomWatch``),
    not per connection: ONE query checks every person connected here, and only
    the affected connections are closed (4401 deactivated, 4403 otherwise).

Ordering across processes
    Messages committed in different processes may cross in the channel layer;
    the hub (``fanout``) holds a message frame whose ``seq`` skips ahead for up
    to ~150 ms until the missing ones arrive. After that it delivers anyway, so
    clients still ignore ``seq`` they already have and ``resume`` after a gap.

Limits
    10 messages per 10 s per user and session (``LIVE_MESSAGE_RATE``), counted in
    the shared cache so that all processes count together; ``typing`` at most one
    per 2 s per connection, relayed and never stored.
"""

import asyncio
import logging
import time
import weakref

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _

from plugins.consumers import MemberConsumer

from . import actions, events
from .access import RoomRefused, recheck_room
from .actions import Actor, LiveError
from .fanout import hub_for
from .selectors import messages_after

logger = logging.getLogger(__name__)

TYPING_INTERVAL = 2.0
MAX_BUFFERED_FRAMES = 5_000
MESSAGE_PREFIX = '{"type":"message","seq":'

# Open connections of (session id, user id) in this process.
_local_connections: dict[tuple[int, int], int] = {}


def room_user_group(session_id: int, user_id: int) -> str:
    """The connections of one user in one room (for ``muted``, ``removed``)."""
    return f"live.{session_id}.user.{user_id}"


def recheck_seconds() -> float:
    return float(getattr(settings, "LIVE_RECHECK_SECONDS", 3))


def _recheck_room_and_touch(session_id: int, users: dict[int, bool]):
    refused, seen = recheck_room(session_id, users)
    return refused, actions.do_touch_room_presence(session_id, seen)


class RoomWatch:
    """The periodic access recheck and presence heartbeat of one room in this process.

    Every ``LIVE_RECHECK_SECONDS`` one database call checks all people connected
    to the room here (``access.recheck_room``: one query) and refreshes their
    presence (one UPDATE, when due); then it closes exactly the connections of
    those who lost access. Started by the room's first connection, stopped with
    its last.
    """

    def __init__(self, session_id: int, room: str, hub):
        self.session_id = session_id
        self.room = room
        self.hub = hub
        self.consumers: dict = {}  # the connections, in join order
        self.task: asyncio.Task | None = None

    @classmethod
    def of(cls, session_id: int, room: str, hub) -> "RoomWatch":
        watches = _watches.setdefault(hub, {})
        watch = watches.get(session_id)
        if watch is None:
            watch = watches[session_id] = cls(session_id, room, hub)
        return watch

    def add(self, consumer) -> None:
        self.consumers[consumer] = None
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._run())

    def discard(self, consumer) -> None:
        self.consumers.pop(consumer, None)
        if self.consumers:
            return
        watches = _watches.get(self.hub, {})
        if watches.get(self.session_id) is self:
            del watches[self.session_id]
        task = self.task
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()

    async def _run(self):
        while self.consumers:
            await asyncio.sleep(recheck_seconds())
            consumers = [c for c in self.consumers if c.actor is not None and not c.refused]
            if not consumers:
                continue
            users: dict[int, bool] = {}
            for consumer in consumers:  # least privilege if connections disagree
                flag = consumer.actor.group_facilitator
                users[consumer.user.pk] = users.get(consumer.user.pk, flag) and flag
            try:
                refused, outcome = await database_sync_to_async(_recheck_room_and_touch)(
                    self.session_id, users
                )
            except Exception:  # a database hiccup must not end the checks for good
                logger.exception("live: recheck of a room failed")
                continue
            for consumer in consumers:
                refusal = refused.get(consumer.user.pk)
                if refusal is None or consumer.actor is None or consumer.refused:
                    continue
                consumer.refused = True
                try:
                    for frame in refusal.frames:
                        await consumer.send_json(frame)
                    await consumer.close(code=refusal.code)
                except Exception:  # one closing socket must not spare the others
                    logger.debug("live: closing a refused connection failed", exc_info=True)
            for frame in outcome.room:
                await self.hub.publish(self.room, frame)


# hub (one per event loop) -> {session id: RoomWatch}
_watches: "weakref.WeakKeyDictionary[object, dict[int, RoomWatch]]" = weakref.WeakKeyDictionary()


class LiveRoomConsumer(MemberConsumer):
    """One member's connection to one live session's room."""

    actor: Actor | None = None
    room: str | None = None
    watch: RoomWatch | None = None
    refused = False  # the room's recheck closed this connection
    _buffer: list[str] | None = None
    _replayed_upto = 0
    # Read by the hub (fanout): while False it writes room events through ``send``
    # (buffering, replay filter); once the replay is done, straight to the socket.
    hub_direct = False

    async def member_connect(self):
        self._buffer: list[str] | None = []  # hub frames held until the replay is sent
        self._buffer_overflow = False
        self._replayed_upto = 0
        self._last_typing = 0.0
        public_id = self.scope["url_route"]["kwargs"].get("public_id")
        try:
            access, outcome = await database_sync_to_async(actions.enter_room)(self.user, public_id)
        except RoomRefused as refused:
            await self.accept()
            for frame in refused.frames:
                await self.send_json(frame)
            await self.close(code=refused.code)
            return
        self.actor = Actor.from_access(self.user, access)
        self.session_id = access.session.pk
        self.room = access.room
        self.hub = hub_for(self.channel_layer)
        await self.accept()
        await self.hub.join(self.room, self)
        # Not the user group: other plugins' consumers there know no "live.user" event.
        await self.channel_layer.group_add(
            room_user_group(self.actor.session_id, self.user.pk), self.channel_name
        )
        key = (self.actor.session_id, self.user.pk)
        _local_connections[key] = _local_connections.get(key, 0) + 1
        await self.publish(outcome)
        self.watch = RoomWatch.of(self.session_id, self.room, self.hub)
        self.watch.add(self)

    async def disconnect(self, code):
        if self.watch is not None:
            self.watch.discard(self)
            self.watch = None
        if self.actor is not None:
            actor, self.actor = self.actor, None
            await self.hub.leave(self.room, self)
            await self.channel_layer.group_discard(
                room_user_group(actor.session_id, self.user.pk), self.channel_name
            )
            key = (actor.session_id, self.user.pk)
            left = _local_connections.get(key, 1) - 1
            if left <= 0:
                _local_connections.pop(key, None)
                outcome = await database_sync_to_async(actions.do_leave_room)(actor)
                await self.publish(outcome)
            else:
                _local_connections[key] = left
        await super().disconnect(code)

    # --- sending ------------------------------------------------------------------
    async def send(self, text_data=None, bytes_data=None, close=False):
        """The hub's path into this connection (room events, encoded once)."""
        if text_data is not None and not close:
            if self._buffer is not None:
                if len(self._buffer) >= MAX_BUFFERED_FRAMES:
                    self._buffer_overflow = True  # the next replay sends a fresh welcome
                    self._buffer.clear()
                self._buffer.append(text_data)
                return
            if self._already_replayed(text_data):
                return
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    def _already_replayed(self, text: str) -> bool:
        """A message frame the replay already contained (it was committed before the
        replay read and its broadcast arrived after)."""
        if not text.startswith(MESSAGE_PREFIX) or not self._replayed_upto:
            return False
        seq = text[len(MESSAGE_PREFIX) :].split(",", 1)[0]
        return seq.isdigit() and int(seq) <= self._replayed_upto

    async def send_json(self, content, close=False):
        """Frames for this connection only (replies, welcome, replay): never buffered."""
        await super().send_json(content, close=close)

    async def publish(self, outcome: events.Outcome) -> None:
        """Send an action's outcome; called after the action's transaction committed."""
        for frame in outcome.reply:
            await self.send_json(frame)
        for frame in outcome.room:
            await self.hub.publish(self.room, frame)
        for user_event in outcome.users:
            await self.channel_layer.group_send(
                room_user_group(self.session_id, user_event.user_id),
                {
                    "type": "live.user",
                    "room": self.room,
                    "frame": user_event.frame,
                    "close": user_event.close_code,
                },
            )

    async def live_user(self, event):
        """A frame for this user's connections in one room (muted, removed + close)."""
        if event.get("room") != self.room or self.actor is None:
            return
        await self.send_json(event["frame"])
        if event.get("close"):
            await self.close(code=event["close"])

    # --- client events ------------------------------------------------------------------
    async def handle(self, content: dict):
        if self.actor is None:
            return
        handler = getattr(self, "on_" + content["type"].replace(".", "_"), None)
        if content["type"] not in CLIENT_EVENTS or handler is None:
            await self.send_error("unknown_type", _("Unknown message type."))
            return
        try:
            await handler(content)
        except LiveError as refused:
            for frame in refused.reply:
                await self.send_json(frame)
            await self.send_json(refused.frame())
        except Exception:  # a bug or a database outage must not end the connection
            logger.exception("live: handling %s failed", content["type"])
            await self.send_error(
                "server_error", _("Something went wrong. Please try again in a moment.")
            )

    async def run(self, function, *args) -> None:
        """Run an action in the database thread, then publish its outcome (after commit)."""
        outcome = await database_sync_to_async(function)(*args)
        await self.publish(outcome)

    async def on_hello(self, content):
        await self._replay(content.get("last_seq", 0), welcome=True)

    async def on_resume(self, content):
        await self._replay(content.get("last_seq"), welcome=False)

    async def _replay(self, last_seq, *, welcome: bool):
        last_seq = actions.check_int(0 if last_seq is None and welcome else last_seq, minimum=0)
        self.hub_direct = False
        if self._buffer is None:
            self._buffer = []
        welcome = welcome or self._buffer_overflow
        self._buffer_overflow = False
        frames, upto = await database_sync_to_async(_replay_frames)(self.actor, last_seq, welcome)
        for frame in frames:
            await self.send_json(frame)
        self._replayed_upto = max(self._replayed_upto, upto)
        # Flush what arrived meanwhile, in order; frames arriving during the flush are
        # appended to the same list and flushed too, so nothing overtakes.
        buffer = self._buffer
        while buffer:
            text = buffer.pop(0)
            if not self._already_replayed(text):
                await super().send(text_data=text)
        self._buffer = None
        # From now on the hub may write directly (Daphne: one prepared frame for all).
        # A message committed before the replay read whose broadcast from another
        # process arrives only now could then reach the client twice: clients ignore
        # message frames with a sequence number they already have.
        self.hub_direct = True

    async def on_message_send(self, content):
        client_id, body = actions.check_send_message(content)
        await self.run(actions.do_send_message, self.actor, client_id, body)

    async def on_message_edit(self, content):
        seq, body = actions.check_edit_message(content)
        await self.run(actions.do_edit_message, self.actor, seq, body)

    async def on_message_delete(self, content):
        seq, reason = actions.check_delete_message(content)
        await self.run(actions.do_delete_message, self.actor, seq, reason)

    async def on_typing(self, content):
        now = time.monotonic()
        if now - self._last_typing < TYPING_INTERVAL:
            return  # throttled: not an error, typing is best effort
        self._last_typing = now
        await self.run(actions.check_typing, self.actor)

    async def on_hand_raise(self, content):
        await self.run(actions.do_raise_hand, self.actor)

    async def on_hand_lower(self, content):
        user_id = content.get("user_id")
        if user_id is not None:
            user_id = actions.check_int(user_id, minimum=1)
        await self.run(actions.do_lower_hand, self.actor, user_id)

    async def on_notes_update(self, content):
        version, text = actions.check_update_notes(content)
        await self.run(actions.do_update_notes, self.actor, version, text)

    async def on_session_start(self, content):
        await self.run(actions.do_start_session, self.actor)

    async def on_session_end(self, content):
        await self.run(actions.do_end_session, self.actor)

    async def on_phase_set(self, content):
        phase, minutes = actions.check_set_phase(content)
        await self.run(actions.do_set_phase, self.actor, phase, minutes)

    async def on_role_assign(self, content):
        user_id, role = actions.check_assign_role(content)
        await self.run(actions.do_assign_role, self.actor, user_id, role)

    async def on_participant_mute(self, content):
        user_id = actions.check_target(content)
        reason = actions.check_reason(content.get("reason"), required=True, ref=user_id)
        await self.run(actions.do_mute, self.actor, user_id, reason)

    async def on_participant_unmute(self, content):
        user_id = actions.check_target(content)
        await self.run(_unmute, self.actor, user_id)

    async def on_participant_remove(self, content):
        user_id = actions.check_target(content)
        reason = actions.check_reason(content.get("reason"), required=True, ref=user_id)
        await self.run(actions.do_remove, self.actor, user_id, reason)

    async def on_chat_lock(self, content):
        await self.run(actions.do_lock_chat, self.actor, True)

    async def on_chat_unlock(self, content):
        await self.run(actions.do_lock_chat, self.actor, False)

    async def on_case_giver_speak(self, content):
        allowed = actions.check_bool(content.get("allowed"))
        await self.run(actions.do_case_giver_speak, self.actor, allowed)


CLIENT_EVENTS = frozenset(
    {
        "hello",
        "resume",
        "message.send",
        "message.edit",
        "message.delete",
        "typing",
        "hand.raise",
        "hand.lower",
        "notes.update",
        "session.start",
        "session.end",
        "phase.set",
        "role.assign",
        "participant.mute",
        "participant.unmute",
        "participant.remove",
        "chat.lock",
        "chat.unlock",
        "case_giver.speak",
    }
)


def _unmute(actor, user_id):
    return actions.do_mute(actor, user_id, "", mute=False)


def _replay_frames(actor: Actor, last_seq: int, welcome: bool) -> tuple[list[dict], int]:
    """Welcome (if asked) and every message after ``last_seq``, in order; and the
    highest sequence number the client has after them."""
    frames = []
    if welcome:
        frame = actions.welcome_frame(actor)
        frames.append(frame)
        current = frame["session"]["last_seq"]
    else:
        current = 0
    missed = messages_after(actor.session_id, last_seq)
    frames.extend(events.message(message) for message in missed)
    upto = max([current, *(message.seq for message in missed)])
    if not welcome and not missed:
        upto = max(upto, last_seq)
    frames.append(events.replay_done(upto))
    return frames, upto
