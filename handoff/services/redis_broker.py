"""Fan-out between several hub processes through Redis pub/sub.

Every frame is published on the Redis channel `<prefix><topic>`, and every hub listens to all of
`<prefix>*` and hands each frame to its own sockets on that topic. Listening to the whole prefix
(rather than one channel per socket) means a socket receives frames from the moment it is added
locally, with no window while a SUBSCRIBE travels to Redis; the cost is that each hub reads
every frame, which a help center's message rate easily allows. The hub that publishes a frame
hands it to its own sockets at once (as the in-process broker does, so that a sender sees its
message's event before its `ack`) and skips its own frames when Redis brings them back.

Frames are never the only copy: events are committed to the database before they are published,
so a client that misses frames (Redis restarting, its hub dying) resumes from its last sequence
number on any hub.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from typing import Any, Callable, List, Mapping, Optional, Tuple

import redis.asyncio as redis

from handoff.services.broker import LocalBroker

log = logging.getLogger(__name__)
RETRY_SECONDS = 0.5
# How often the reader looks up from Redis to see whether the hub is stopping.
POLL_SECONDS = 0.2
STOP_SECONDS = 5.0
# Frames sent to Redis in one round trip at most.
BATCH = 500
# The longest wait for Redis's PING when the hub looks whether Redis answers.
LOOK_SECONDS = 2.0


class RedisBroker(LocalBroker):
    def __init__(self, url: str, prefix: str = "bolt:hub:", origin: str = "") -> None:
        super().__init__()
        self.url = url
        self.prefix = prefix
        self.origin = origin or uuid.uuid4().hex
        self.outgoing: "asyncio.Queue[Optional[Tuple[str, str]]]" = asyncio.Queue()
        self.stopping = False
        self.client: Optional[redis.Redis] = None
        self.tasks: List[asyncio.Task] = []
        self.listening = asyncio.Event()
        # Told how long each frame from another hub took to arrive (the hub's metrics).
        self.lag: Optional[Callable[[float], None]] = None

    async def start(self) -> None:
        self.client = redis.Redis.from_url(self.url)
        await self.client.ping()  # a wrong URL stops the hub at start, with Redis's own error
        loop = asyncio.get_running_loop()
        self.tasks = [loop.create_task(self._read()), loop.create_task(self._write())]
        await asyncio.wait_for(self.listening.wait(), 10)

    async def stop(self) -> None:
        """Sends what is published so far, then ends both tasks. They end by themselves rather
        than by cancellation: redis-py 4.6 can swallow a cancellation inside a command."""
        self.stopping = True
        self.outgoing.put_nowait(None)
        if self.tasks:
            _, pending = await asyncio.wait(self.tasks, timeout=STOP_SECONDS)
            for task in pending:
                task.cancel()
        if self.client is not None:
            await self.client.close()

    async def answers(self) -> bool:
        if self.client is None:
            return False
        try:
            return bool(await asyncio.wait_for(self.client.ping(), LOOK_SECONDS))
        except (redis.RedisError, OSError, asyncio.TimeoutError):
            return False

    def publish(self, topic: str, frame: Mapping[str, Any]) -> None:
        super().publish(topic, frame)
        envelope = {"origin": self.origin, "frame": frame, "sent": time.time()}
        self.outgoing.put_nowait((self.prefix + topic, json.dumps(envelope, ensure_ascii=False)))

    def publish_local(self, topic: str, frame: Mapping[str, Any]) -> None:
        super().publish(topic, frame)

    async def _write(self) -> None:
        while True:
            batch = [await self.outgoing.get()]
            while not self.outgoing.empty() and len(batch) < BATCH:
                batch.append(self.outgoing.get_nowait())
            last = None in batch
            batch = [item for item in batch if item is not None]
            while batch:
                try:
                    pipeline = self.client.pipeline(transaction=False)
                    for channel, payload in batch:
                        pipeline.publish(channel, payload)
                    await pipeline.execute()
                    break
                except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
                    if self.stopping:
                        return  # the frames are in the database; clients resume from there
                    log.warning("Redis unreachable, retrying the fan-out: %s", error)
                    await asyncio.sleep(RETRY_SECONDS)
            if last:
                return

    async def _read(self) -> None:
        while not self.stopping:
            pubsub = self.client.pubsub()
            try:
                await pubsub.psubscribe(self.prefix + "*")
                self.listening.set()
                while not self.stopping:
                    message = await pubsub.get_message(ignore_subscribe_messages=True,
                                                       timeout=POLL_SECONDS)
                    if message is not None and message["type"] == "pmessage":
                        self._deliver(message["channel"], message["data"])
            except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
                log.warning("Redis subscription lost, subscribing again: %s", error)
                await asyncio.sleep(RETRY_SECONDS)
            finally:
                await pubsub.reset()

    def _deliver(self, channel: bytes, data: bytes) -> None:
        topic = channel.decode()[len(self.prefix):]
        try:
            envelope = json.loads(data)
            origin, frame = envelope["origin"], envelope["frame"]
        except (ValueError, KeyError, TypeError):
            log.error("dropped a message on %s that is not a hub's frame", topic)
            return
        if origin != self.origin:
            sent = envelope.get("sent")
            if self.lag is not None and isinstance(sent, (int, float)):
                self.lag(max(0.0, time.time() - sent))  # the hubs' clocks agree, roughly
            super().publish(topic, frame)

