"""One open socket: frames are queued by the hub and written by one task, in order."""
from __future__ import annotations

import asyncio
import itertools
from typing import Any, Mapping, Optional

from sanic.exceptions import WebsocketClosed
from websockets.exceptions import ConnectionClosed

from handoff.protocol import encode
from handoff.socket_writes import send_all

# A client this far behind is cut off; it reconnects and resumes from its last sequence number.
OUTBOX_FRAMES = 2000
# Frames written to a socket in one go, at most (a client far behind gets them in turns).
WRITE_FRAMES = 64
_numbers = itertools.count(1)


class Connection:
    def __init__(self, ws: Any):
        self.ws = ws
        self.key = f"connection:{next(_numbers)}"
        self.outbox: "asyncio.Queue[Optional[Mapping[str, Any]]]" = asyncio.Queue(OUTBOX_FRAMES)
        self.closed = False

    def deliver(self, frame: Mapping[str, Any]) -> None:
        if self.closed:
            return
        try:
            self.outbox.put_nowait(frame)
        except asyncio.QueueFull:
            self.closed = True
            asyncio.get_running_loop().create_task(self.ws.close(code=1013, reason="too slow"))

    async def write_loop(self) -> None:
        outbox = self.outbox
        try:
            while True:
                frame = await outbox.get()
                # One turn of the loop lets what becomes ready with this frame (the ack that
                # follows a sender's own event) join it in the same write.
                await asyncio.sleep(0)
                texts = [encode(frame)]
                while not outbox.empty() and len(texts) < WRITE_FRAMES:
                    texts.append(encode(outbox.get_nowait()))
                await send_all(self.ws, texts)
        except (ConnectionClosed, WebsocketClosed):
            # The client went away; what it missed is stored, and resumes from its last seq.
            self.closed = True

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Connection) and other.key == self.key
