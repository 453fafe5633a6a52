"""The channel layer delivers across processes: two layer instances on the same Redis."""

import asyncio
import os

import pytest
from channels_redis.core import RedisChannelLayer

from tests.conftest import need_service


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    need_service("Redis", bool(url), "REDIS_URL not set")
    return url


@pytest.mark.asyncio
async def test_group_send_reaches_a_consumer_of_another_process(redis_url):
    prefix = f"komma-test-{os.getpid()}"
    sender = RedisChannelLayer(hosts=[redis_url], prefix=prefix)
    receiver = RedisChannelLayer(hosts=[redis_url], prefix=prefix)
    try:
        channel = await receiver.new_channel()
        await receiver.group_add("user.42", channel)
        await sender.group_send("user.42", {"type": "session.revoked"})
        message = await asyncio.wait_for(receiver.receive(channel), 5)
        assert message == {"type": "session.revoked"}
        await receiver.group_discard("user.42", channel)
        await sender.group_send("user.42", {"type": "after.discard"})
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(receiver.receive(channel), 0.5)
    finally:
        await sender.flush()
        await sender.close_pools()
        await receiver.close_pools()
