"""Base WebSocket consumer for plugins: authentication, revocation, frame hygiene."""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from .registry import plugin_id_for_module
from .routing import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_RECHECK, CLOSE_UNAUTHENTICATED

MAX_FRAME_BYTES = 64 * 1024


def user_group_name(user_id: int) -> str:
    """The channel-layer group every live connection of one user joins."""
    return f"user.{user_id}"


def plugin_group_name(plugin_id: str) -> str:
    """The channel-layer group every live connection into one plugin joins."""
    return f"plugin.{plugin_id}"


@database_sync_to_async
def _needs_second_factor(user) -> bool:
    from komma.accounts.middleware import needs_second_factor

    return needs_second_factor(user)


class MemberConsumer(AsyncJsonWebsocketConsumer):
    """A consumer for logged-in, active members only.

    - anonymous or inactive users are closed with 4401; members whose role requires
      a second factor they have not set up yet, with 4403;
    - every connection joins ``user.<id>``; a ``session.revoked`` event there (sent
      on logout, suspension or deletion) closes it with 4401, an ``access.changed``
      event (roles, memberships, password, ended sessions) with 4001 so that the
      client reconnects and is authorised anew;
    - every connection into a plugin joins ``plugin.<id>``; switching the plugin off
      closes it with 4404;
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
        if await _needs_second_factor(user):
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user = user
        self.plugin_id = plugin_id_for_module(type(self).__module__)
        await self.channel_layer.group_add(user_group_name(user.pk), self.channel_name)
        if self.plugin_id:
            await self.channel_layer.group_add(plugin_group_name(self.plugin_id), self.channel_name)
        await self.member_connect()

    async def member_connect(self):
        """Authorise and accept; the default accepts every member."""
        await self.accept()

    async def disconnect(self, code):
        user = getattr(self, "user", None)
        if user is not None:
            await self.channel_layer.group_discard(user_group_name(user.pk), self.channel_name)
        if getattr(self, "plugin_id", None):
            await self.channel_layer.group_discard(
                plugin_group_name(self.plugin_id), self.channel_name
            )

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

    async def access_changed(self, event):
        """Roles, memberships or sessions changed: the client reconnects and is checked anew."""
        await self.close(code=CLOSE_RECHECK)

    async def plugin_disabled(self, event):
        """The plugin was switched off: its live connections end."""
        await self.close(code=CLOSE_NOT_FOUND)
