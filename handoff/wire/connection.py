"""One open socket: the frames the hub delivers to it are written in order, those delivered
together in one write. What waits for a slow client is bounded in frames and in bytes.

A frame delivered schedules a write one turn of the loop later, so that what becomes ready
with it (the ack that follows a sender's own event, the events of an agent's other chats) joins
it. The write is made from that callback while the client keeps up; a socket held back by its
client (the transport holds writes until the client reads) gets its frames from a task that
waits for it, in order. A task woken for every frame took more of the loop's CPU than this
(bench/relay_bench.py).
"""
from __future__ import annotations

import asyncio
import itertools
from collections import deque
from typing import Any, Deque, List, Mapping, Optional

from sanic.exceptions import WebsocketClosed
from websockets.exceptions import ConnectionClosed

from handoff.wire.protocol import encode
from handoff.wire.writes import send_all, send_now

# A client this far behind is cut off; it reconnects and resumes from its last sequence number.
OUTBOX_FRAMES = 2000
# ... or this many bytes behind: 2000 frames of the longest texts would be tens of MiB.
OUTBOX_BYTES = 4 * 1024 * 1024
# Frames written to a socket in one go, at most (a client far behind gets them in turns).
WRITE_FRAMES = 64
_numbers = itertools.count(1)


class Connection:
    def __init__(self, ws: Any):
        self.ws = ws
        self.key = f"connection:{next(_numbers)}"
        # Encoded when delivered, so that its bytes are known (a frame shared by many sockets is
        # encoded once: handoff/wire/protocol.py).
        self.outbox: Deque[str] = deque()
        self.outbox_bytes = 0
        self.closed = False
        self.write_scheduled = False
        self.waiting: Optional["asyncio.Task[None]"] = None  # writing to a held-back socket

    def deliver(self, frame: Mapping[str, Any]) -> None:
        if self.closed:
            return
        text = encode(frame)
        if (len(self.outbox) >= OUTBOX_FRAMES
                or self.outbox_bytes + len(text) > OUTBOX_BYTES):
            self.stop()
            asyncio.get_running_loop().create_task(self.ws.close(code=1013, reason="too slow"))
            return
        self.outbox.append(text)
        self.outbox_bytes += len(text)
        if not self.write_scheduled and self.waiting is None:
            self.write_scheduled = True
            asyncio.get_running_loop().call_soon(self._write, 1)

    def stop(self) -> None:
        """The socket is done with: nothing more is written to it."""
        self.closed = True
        self.outbox.clear()
        self.outbox_bytes = 0
        if self.waiting is not None:
            self.waiting.cancel()

    def _write(self, turns_to_wait: int) -> None:
        if turns_to_wait:
            asyncio.get_running_loop().call_soon(self._write, turns_to_wait - 1)
            return
        self.write_scheduled = False
        if self.closed or self.waiting is not None:
            return
        try:
            while self.outbox:
                texts = self._next_texts()
                if not send_now(self.ws, texts):
                    self.waiting = asyncio.get_running_loop().create_task(
                        self._write_when_able(texts))
                    return
        except (ConnectionClosed, WebsocketClosed):
            # The client went away; what it missed is stored, and resumes from its last seq.
            self.closed = True

    async def _write_when_able(self, texts: List[str]) -> None:
        try:
            while texts and not self.closed:
                await send_all(self.ws, texts)
                texts = self._next_texts()
        except (ConnectionClosed, WebsocketClosed):
            self.closed = True
        finally:
            self.waiting = None

    def _next_texts(self) -> List[str]:
        outbox = self.outbox
        texts: List[str] = []
        while outbox and len(texts) < WRITE_FRAMES:
            texts.append(outbox.popleft())
        self.outbox_bytes -= sum(len(text) for text in texts)
        return texts

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Connection) and other.key == self.key
