"""Base WebSocket consumer for plugins: authentication, revocation, frame hygiene."""

import json

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from .routing import CLOSE_UNAUTHENTICATED

MAX_FRAME_BYTES = 64 * 1024


def user_group_name(user_id: int) -> str:
    """The channel-layer group every live connection of one user joins."""
    return f"user.{user_id}"


class MemberConsumer(AsyncJsonWebsocketConsumer):
    """A consumer for logged-in, active members only.

    - anonymous or inactive users are closed with 4401;
    - every connection joins ``user.<id>``; a ``session.revoked`` event there (sent
      on logout, suspension or deletion) closes it with 4401;
    - frames that are not JSON objects, or too large, get an ``error`` frame and
      change nothing.

    Subclasses implement ``member_connect`` (authorise, join groups, accept) and
    ``handle(content)`` for valid frames.
    """

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        await self.channel_layer.group_add(user_group_name(user.pk), self.channel_name)
        await self.member_connect()

    async def member_connect(self):
        """Authorise and accept; the default accepts every member."""
        await self.accept()

    async def disconnect(self, code):
        user = getattr(self, "user", None)
        if user is not None:
            await self.channel_layer.group_discard(user_group_name(user.pk), self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if bytes_data is not None or text_data is None:
            await self.send_error("bad_frame", _("Only text frames with JSON are accepted."))
            return
        if len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.send_error("too_large", _("The message is too large."))
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_error("bad_json", _("The message is not valid JSON."))
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_error("bad_frame", _("A message is a JSON object with a type."))
            return
        await self.handle(content)

    async def handle(self, content: dict):
        """Handle a valid frame; the default answers that the type is unknown."""
        await self.send_error("unknown_type", _("Unknown message type."))

    async def send_error(self, code: str, message: str):
        """Tell the client its frame was refused, and why."""
        await self.send_json({"type": "error", "code": code, "message": message})

    async def session_revoked(self, event):
        """The user logged out or lost access: end this connection."""
        await self.close(code=CLOSE_UNAUTHENTICATED)
