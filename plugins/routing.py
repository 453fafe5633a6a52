"""WebSocket mounting: each plugin's routes under ``/ws/<prefix>/``, gated by its switch.

Close codes sent by the stack (documented for clients in the README):

- 4001: the member's access changed (role, municipality, password, sessions):
  reconnect, and the handshake decides anew;
- 4401: not logged in (or the session ended);
- 4403: logged in but not allowed (the consumer decides);
- 4404: no such route, or the plugin is switched off.
"""

from channels.db import database_sync_to_async
from channels.routing import URLRouter
from django.urls import path, re_path

from .registry import installed_plugins, is_enabled

CLOSE_RECHECK = 4001
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


async def _refuse(send, code: int) -> None:
    """Refuse a WebSocket handshake with an application close code.

    Closing before accepting makes servers answer the handshake with HTTP 403 and
    the code is lost, so we accept first and close at once with the code; the
    client sees the code in its close event.
    """
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": code})


class PluginGate:
    """ASGI middleware: refuse connections to a switched-off plugin's routes."""

    # Tells the enclosing URLRouter that routing continues inside (like a nested
    # URLRouter), so the plugin's prefix is a prefix, not a whole path.
    _path_routing = True

    def __init__(self, plugin_id: str, inner):
        self.plugin_id = plugin_id
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if not await database_sync_to_async(is_enabled)(self.plugin_id):
            message = await receive()  # the websocket.connect event
            if message["type"] == "websocket.connect":
                await _refuse(send, CLOSE_NOT_FOUND)
            return None
        return await self.inner(scope, receive, send)


class NotFound:
    """ASGI app for WebSocket paths no plugin declares."""

    async def __call__(self, scope, receive, send):
        message = await receive()
        if message["type"] == "websocket.connect":
            await _refuse(send, CLOSE_NOT_FOUND)


def plugin_websocket_router() -> URLRouter:
    """A router over all installed plugins' WebSocket routes plus a 4404 fallback."""
    routes = []
    for plugin in installed_plugins():
        patterns = plugin.get_websocket_urlpatterns()
        if patterns:
            routes.append(
                path(
                    f"ws/{plugin.mount_prefix}/", PluginGate(plugin.plugin_id, URLRouter(patterns))
                )
            )
    routes.append(re_path(r"", NotFound()))
    return URLRouter(routes)
