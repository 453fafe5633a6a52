"""The baseline of ``bench/live.py``: a bare Channels broadcast consumer.

What a room looks like on Channels' default path, without any application logic
(no auth, no database, no sequence numbers): every connection joins one group on
connect, every received frame is ``group_send`` to that group, and the group
handler writes it to the socket. Served by Daphne on the default in-memory layer::

    PYTHONPATH=bench daphne -p 8101 live_baseline:application

Any path is the one room (the bench connects to the same URL as for a live session),
except ``/ws/hub/``: the same bare room on the live plugin's fan-out hub
(exchange/live/fanout.py) instead of a group per connection — the hub's own cost,
without the application around it (setup ``hub`` of the bench).
"""

from django.conf import settings

if not settings.configured:
    # Channels reads the layer from Django settings; nothing else of Django is used.
    settings.configure(
        CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    )

import json

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path, re_path

from exchange.live.fanout import hub_for

ROOM = "bench-room"


class BroadcastConsumer(AsyncWebsocketConsumer):
    """group_add on connect, group_send on receive, send in the group handler."""

    async def connect(self):
        await self.channel_layer.group_add(ROOM, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(ROOM, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(ROOM, {"type": "room.message", "text": text_data})

    async def room_message(self, event):
        await self.send(text_data=event["text"])


class HubConsumer(AsyncWebsocketConsumer):
    """The same room on the fan-out hub: join on connect, publish on receive."""

    async def connect(self):
        await self.accept()
        self.hub = hub_for(self.channel_layer)
        await self.hub.join(ROOM, self)

    async def disconnect(self, code):
        await self.hub.leave(ROOM, self)

    async def receive(self, text_data=None, bytes_data=None):
        await self.hub.publish(ROOM, json.loads(text_data))


application = ProtocolTypeRouter(
    {
        "websocket": URLRouter(
            [path("ws/hub/", HubConsumer.as_asgi()), re_path(r"", BroadcastConsumer.as_asgi())]
        )
    }
)
