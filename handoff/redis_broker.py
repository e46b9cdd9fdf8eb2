"""Fan-out between several hub processes through Redis pub/sub.

Every frame is published on the Redis channel `<prefix><topic>`, and every hub listens to all of
`<prefix>*` and hands each frame to its own sockets on that topic. Listening to the whole prefix
(rather than one channel per socket) means a socket receives frames from the moment it is added
locally, with no window while a SUBSCRIBE travels to Redis; the cost is that each hub reads
every frame, which a help center's message rate easily allows. A frame also reaches the sockets
of the hub that published it through Redis, so every socket sees one order.

Frames are never the only copy: events are committed to the database before they are published,
so a client that misses frames (Redis restarting, its hub dying) resumes from its last sequence
number on any hub.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, List, Mapping, Optional, Tuple

import redis.asyncio as redis

from handoff.broker import LocalBroker

log = logging.getLogger(__name__)
RETRY_SECONDS = 0.5
# Frames sent to Redis in one round trip at most.
BATCH = 500


class RedisBroker(LocalBroker):
    def __init__(self, url: str, prefix: str = "bolt:hub:") -> None:
        super().__init__()
        self.url = url
        self.prefix = prefix
        self.outgoing: "asyncio.Queue[Tuple[str, str]]" = asyncio.Queue()
        self.client: Optional[redis.Redis] = None
        self.tasks: List[asyncio.Task] = []
        self.listening = asyncio.Event()

    async def start(self) -> None:
        self.client = redis.Redis.from_url(self.url)
        await self.client.ping()  # a wrong URL stops the hub at start, with Redis's own error
        loop = asyncio.get_running_loop()
        self.tasks = [loop.create_task(self._read()), loop.create_task(self._write())]
        await asyncio.wait_for(self.listening.wait(), 10)

    async def stop(self) -> None:
        await self._drain()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.client is not None:
            await self.client.close()

    def publish(self, topic: str, frame: Mapping[str, Any]) -> None:
        self.outgoing.put_nowait((self.prefix + topic, json.dumps(frame, ensure_ascii=False)))

    def publish_local(self, topic: str, frame: Mapping[str, Any]) -> None:
        super().publish(topic, frame)

    async def _drain(self, seconds: float = 2.0) -> None:
        """Lets frames published just before a clean stop leave (a killed hub loses none either:
        they are in the database)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self.outgoing.empty() and loop.time() < deadline:
            await asyncio.sleep(0.01)

    async def _write(self) -> None:
        while True:
            batch = [await self.outgoing.get()]
            while not self.outgoing.empty() and len(batch) < BATCH:
                batch.append(self.outgoing.get_nowait())
            while True:
                try:
                    pipeline = self.client.pipeline(transaction=False)
                    for channel, payload in batch:
                        pipeline.publish(channel, payload)
                    await pipeline.execute()
                    break
                except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
                    log.warning("Redis unreachable, retrying the fan-out: %s", error)
                    await asyncio.sleep(RETRY_SECONDS)

    async def _read(self) -> None:
        while True:
            pubsub = self.client.pubsub()
            try:
                await pubsub.psubscribe(self.prefix + "*")
                self.listening.set()
                async for message in pubsub.listen():
                    if message["type"] == "pmessage":
                        self._deliver(message["channel"], message["data"])
            except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
                log.warning("Redis subscription lost, subscribing again: %s", error)
                await asyncio.sleep(RETRY_SECONDS)
            finally:
                await pubsub.reset()

    def _deliver(self, channel: bytes, data: bytes) -> None:
        topic = channel.decode()[len(self.prefix):]
        try:
            frame = json.loads(data)
        except ValueError:
            log.error("dropped a frame that is not JSON on %s", topic)
            return
        super().publish(topic, frame)

