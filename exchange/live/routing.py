"""WebSocket routes of the live sessions, mounted by the core under ``/ws/live/``.

``/ws/live/<public_id>/`` is a session's room (``LiveRoomConsumer``); every other
path below ``/ws/live/`` is refused with 4404 like any unknown route.
"""

from django.urls import path, re_path

from plugins.routing import NotFound

from .consumers import LiveRoomConsumer

websocket_urlpatterns = [
    path("<uuid:public_id>/", LiveRoomConsumer.as_asgi()),
    re_path(r"", NotFound()),
]
