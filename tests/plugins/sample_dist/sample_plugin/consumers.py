from channels.db import database_sync_to_async

from komma.accounts.presentation import person_json
from plugins.consumers import MemberConsumer


class EchoConsumer(MemberConsumer):
    """Echoes frames back with the sender as the one rendering path shows them."""

    async def handle(self, content):
        if content["type"] != "echo":
            return await super().handle(content)
        sender = await database_sync_to_async(person_json)(self.user, None)
        await self.send_json({"type": "echo", "text": content.get("text", ""), "from": sender})
