"""One open socket: frames are queued by the hub and written by one task, in order."""
from __future__ import annotations

import asyncio
import itertools
from typing import Any, Mapping, Optional

from sanic.exceptions import WebsocketClosed
from websockets.exceptions import ConnectionClosed

from handoff.protocol import encode

# A client this far behind is cut off; it reconnects and resumes from its last sequence number.
OUTBOX_FRAMES = 2000
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
        try:
            while True:
                frame = await self.outbox.get()
                await self.ws.send(encode(frame))
        except (ConnectionClosed, WebsocketClosed):
            # The client went away; what it missed is stored, and resumes from its last seq.
            self.closed = True

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Connection) and other.key == self.key
