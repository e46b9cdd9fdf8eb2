"""One open socket: the frames the hub delivers to it are written in order, those delivered
together in one write. What waits for a slow client is bounded in frames and in bytes.

A frame delivered schedules a write one turn of the loop later, so that what becomes ready
with it (the ack that follows a sender's own event, the events of an agent's other chats) joins
it. The write is made from that callback while the client keeps up; a socket held back by its
client (the transport holds writes until the client reads) gets its frames from a task that
waits for it, in order. A task woken for every frame took more of the loop's CPU than this
(bench/relay_bench.py).

A replay (a conversation read again from its start, an agent's `history`) goes out at the
pace the client reads: a page of frames is queued, and the next page is read once the socket
has taken them all. Frames delivered meanwhile wait behind the replay, so that the client
gets them after it, in order; an event the replay already carried is not sent twice.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from typing import Any, Deque, Dict, Iterable, List, Mapping, Optional, Sequence

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
log = logging.getLogger(__name__)


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
        self.replaying: Optional["asyncio.Task[None]"] = None
        self.held: Optional[Deque[Mapping[str, Any]]] = None  # delivered during a replay
        # The last seq a replay carried, by conversation (one entry per conversation replayed).
        self.replayed: Dict[str, int] = {}
        self.drained: Optional["asyncio.Future[None]"] = None

    def deliver(self, frame: Mapping[str, Any]) -> None:
        if self.closed or self._carried(frame):
            return
        held = self.held
        if held is not None:
            if len(held) >= OUTBOX_FRAMES:
                self._too_slow()
            else:
                held.append(frame)
            return
        self._queue(frame)

    def replay(self, pages: Iterable[Sequence[Mapping[str, Any]]]) -> None:
        """Sends the pages' frames in order at the client's pace (each page once the socket
        took the one before); frames delivered meanwhile follow them."""
        if self.closed:
            return
        if self.held is None:
            self.held = deque()
        self.replaying = asyncio.get_running_loop().create_task(
            self._replay(self.replaying, pages))

    async def _replay(self, before: Optional["asyncio.Task[None]"],
                      pages: Iterable[Sequence[Mapping[str, Any]]]) -> None:
        try:
            if before is not None:  # a second replay asked for during the first one
                await asyncio.wait({before})
            for page in pages:
                if self.closed:
                    return
                for frame in page:
                    self._queue(frame)
                    self._note_replayed(frame)
                await self._drain()
        except Exception:  # noqa: BLE001 - the client resumes; the operators read why
            log.exception("a replay failed")
            self._close(1011, "replay failed")
        finally:
            if self.replaying is asyncio.current_task():
                self._release_held()

    def _note_replayed(self, frame: Mapping[str, Any]) -> None:
        events = frame.get("events") if frame.get("type") == "history" else (frame,)
        for event in events or ():
            if event.get("type") == "event" and "seq" in event:
                self.replayed[event["conversation_id"]] = event["seq"]

    def _release_held(self) -> None:
        held = self.held or deque()
        self.held, self.replaying = None, None
        for frame in held:
            if self.closed:
                return
            if not self._carried(frame):
                self._queue(frame)

    def _carried(self, frame: Mapping[str, Any]) -> bool:
        """Whether a replay carried this event already. The mark outlives the replay: a replay
        reads an event as soon as it is stored, and its live delivery may come after the
        replay has ended."""
        return frame.get("type") == "event" and frame.get("seq", 0) <= self.replayed.get(
            frame.get("conversation_id"), -1)

    async def _drain(self) -> None:
        """Returns once every queued frame went to the socket (a slow reader holds it back)."""
        while not self.closed and (self.outbox or self.waiting is not None
                                   or self.write_scheduled):
            if self.drained is None or self.drained.done():
                self.drained = asyncio.get_running_loop().create_future()
            await self.drained

    def _wake_drain(self) -> None:
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)

    def _too_slow(self) -> None:
        self._close(1013, "too slow")

    def _close(self, code: int, reason: str) -> None:
        self.stop()
        asyncio.get_running_loop().create_task(self.ws.close(code=code, reason=reason))

    def _queue(self, frame: Mapping[str, Any]) -> None:
        if self.closed:
            return
        text = encode(frame)
        if (len(self.outbox) >= OUTBOX_FRAMES
                or self.outbox_bytes + len(text) > OUTBOX_BYTES):
            self._too_slow()
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
        self.held = None
        if self.waiting is not None:
            self.waiting.cancel()
        if self.replaying is not None:
            self.replaying.cancel()
        self._wake_drain()

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
        self._wake_drain()

    async def _write_when_able(self, texts: List[str]) -> None:
        try:
            while texts and not self.closed:
                await send_all(self.ws, texts)
                texts = self._next_texts()
        except (ConnectionClosed, WebsocketClosed):
            self.closed = True
        finally:
            self.waiting = None
            self._wake_drain()

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
