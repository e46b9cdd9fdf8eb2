"""The Redis broker on a real Redis: frames cross between hubs, once each and in order."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
import redis.asyncio as redis

from handoff.services import topics
from handoff.services.redis_broker import RedisBroker
from support import services


class Socket:
    def __init__(self) -> None:
        self.frames: List[Dict[str, Any]] = []

    def deliver(self, frame: Dict[str, Any]) -> None:
        self.frames.append(frame)


@pytest.fixture
def redis_url() -> str:
    if services.redis_url() is None:
        pytest.skip("needs Redis: run inside scripts/with-scale-services")
    return services.redis_url()


async def wait_for(condition, seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_frames_reach_sockets_on_the_other_hub_once_and_in_order(redis_url):
    prefix = "bolt:test-fan-out:"
    hub_a, hub_b = RedisBroker(redis_url, prefix), RedisBroker(redis_url, prefix)
    await hub_a.start()
    await hub_b.start()
    try:
        user_on_a, agent_on_b, other_chat_on_b = Socket(), Socket(), Socket()
        hub_a.subscribe(topics.chat("c-1"), user_on_a)
        hub_b.subscribe(topics.chat("c-1"), agent_on_b)
        hub_b.subscribe(topics.chat("c-2"), other_chat_on_b)
        for seq in range(1, 201):
            hub_a.publish(topics.chat("c-1"), {"type": "event", "seq": seq, "text": "Grüße ✓"})
        # The publishing hub's own sockets have it at once, before Redis is involved.
        assert [f["seq"] for f in user_on_a.frames] == list(range(1, 201))
        await wait_for(lambda: len(agent_on_b.frames) == 200)
        assert [f["seq"] for f in agent_on_b.frames] == list(range(1, 201))
        assert agent_on_b.frames[0]["text"] == "Grüße ✓"

        hub_b.publish_local(topics.chat("c-1"), {"type": "queue", "position": 1})
        hub_b.publish(topics.chat("c-1"), {"type": "event", "seq": 201})
        await wait_for(lambda: len(user_on_a.frames) == 201)
        await asyncio.sleep(0.2)
        assert user_on_a.frames[-1] == {"type": "event", "seq": 201}  # not the local-only one
        assert len(user_on_a.frames) == 201 and other_chat_on_b.frames == []

        # Something on the channel that is no hub's frame is dropped, and the hub carries on.
        client = redis.Redis.from_url(redis_url)
        await client.publish(prefix + topics.chat("c-1"), b"not json")
        await client.close()
        hub_a.publish(topics.chat("c-1"), {"type": "event", "seq": 202})
        await wait_for(lambda: agent_on_b.frames[-1].get("seq") == 202)
    finally:
        await hub_a.stop()
        await hub_b.stop()


async def test_each_frame_from_another_hub_is_timed_and_redis_is_looked_at(redis_url):
    prefix = "bolt:test-fan-out-lag:"
    hub_a, hub_b = RedisBroker(redis_url, prefix), RedisBroker(redis_url, prefix)
    assert not await hub_a.answers()  # not connected yet
    await hub_a.start()
    await hub_b.start()
    lags_a: List[float] = []
    lags_b: List[float] = []
    hub_a.lag, hub_b.lag = lags_a.append, lags_b.append
    try:
        assert await hub_a.answers() and await hub_b.answers()
        for seq in range(1, 11):
            hub_a.publish(topics.chat("c-1"), {"type": "event", "seq": seq})
        await wait_for(lambda: len(lags_b) == 10)
        assert all(0 <= lag < 5 for lag in lags_b)
        assert lags_a == []  # its own frames coming back are not another hub's
    finally:
        await hub_a.stop()
        await hub_b.stop()


async def test_a_wrong_redis_url_stops_the_hub_at_start():
    broker = RedisBroker("redis://127.0.0.1:1/0")
    with pytest.raises(redis.ConnectionError):
        await broker.start()
