"""Reading a socket's messages without Sanic 21.12's tasks for every frame.

Sanic hands each chunk read from TCP to a new task, which takes a lock and then waits for the
handler to take the message (`WebsocketFrameAssembler.put`); each `recv` wraps its wait in
another task and `asyncio.wait`. At 1,000 messages/s that was a fifth of the hub's event loop
(py-spy, bench/relay_bench.py). Here the text and binary messages are assembled as the data is
read, in `data_received`, into an inbox that `recv` takes from. Everything else (pings and
their pongs, a close, the end of the stream), and whatever arrives while Sanic still handles
such events, goes Sanic's own way, in order, ending in the same inbox.

`recv` keeps Sanic's contract: a message, `None` after a timeout, CancelledError when the
client closes (Sanic cancels `recv_cancel`), WebsocketClosed once closed. A client sending
faster than its handler reads is paused, as Sanic pauses it, once MAX_WAITING messages wait.
"""
from __future__ import annotations

import asyncio
import codecs
from collections import deque
from typing import Any, Deque, List, Optional, Sequence

from sanic.exceptions import ServerError, WebsocketClosed
from sanic.server.protocols.websocket_protocol import WebSocketProtocol
from sanic.server.websockets.impl import WebsocketImplProtocol
from websockets.connection import CLOSED
from websockets.frames import Frame, Opcode
from websockets.typing import Data

# Messages read ahead of the handler before the socket stops reading from TCP.
MAX_WAITING = 64
DATA = (Opcode.TEXT, Opcode.BINARY, Opcode.CONT)
UTF8 = codecs.getincrementaldecoder("utf-8")


class HubProtocol(WebSocketProtocol):
    """Sanic's WebSocket protocol, its sockets reading through QuickReads (serve with
    `protocol=HubProtocol`)."""

    async def websocket_handshake(self, request: Any,
                                  subprotocols: Optional[Sequence[str]] = None) -> Any:
        ws = await super().websocket_handshake(request, subprotocols)
        # Nothing has been read since Sanic made the socket (its `connection_made` does not
        # wait), so every frame reaches the new class's inbox.
        ws.__class__ = QuickReads
        ws.start_quick_reads()
        return ws


class QuickReads(WebsocketImplProtocol):
    inbox: Deque[Data]
    reader: Optional["asyncio.Future[Data]"]
    decoder: Optional[codecs.IncrementalDecoder]
    chunks: List[Data]
    sanic_tasks: int

    def start_quick_reads(self) -> None:
        self.inbox = deque()
        self.reader = None
        self.decoder = None
        self.chunks = []
        self.sanic_tasks = 0
        self.assembler = _Assembler(self)  # the frames Sanic's own path hands on

    def data_received(self, data: bytes) -> None:
        self.connection.receive_data(data)
        to_send = self.connection.data_to_send()
        events = self.connection.events_received()
        if not to_send and not self.sanic_tasks and all(
                isinstance(event, Frame) and event.opcode in DATA for event in events):
            for frame in events:
                self.assemble(frame)
            return
        if to_send or events:
            self.sanic_tasks += 1
            task = asyncio.get_running_loop().create_task(
                self.async_data_received(to_send, events))
            task.add_done_callback(self._sanic_task_done)

    def _sanic_task_done(self, _task: "asyncio.Task[None]") -> None:
        self.sanic_tasks -= 1

    def assemble(self, frame: Frame) -> None:
        if frame.opcode not in DATA:  # Sanic hands pings on too; websockets answered them
            return
        if frame.opcode is Opcode.TEXT:
            self.decoder, self.chunks = UTF8(errors="strict"), []
        elif frame.opcode is Opcode.BINARY:
            self.decoder, self.chunks = None, []
        try:
            self.chunks.append(self.decoder.decode(frame.data, frame.fin)
                               if self.decoder is not None else frame.data)
        except UnicodeDecodeError:
            self.chunks = []
            self.fail_connection(1007, "invalid UTF-8 in a text frame")
            return
        if not frame.fin:
            return
        message: Data = ("" if self.decoder is not None else b"").join(self.chunks)
        self.chunks = []
        if self.reader is not None and not self.reader.done():
            self.reader.set_result(message)
            return
        self.inbox.append(message)
        if len(self.inbox) >= MAX_WAITING:
            self.pause_frames()

    async def recv(self, timeout: Optional[float] = None) -> Optional[Data]:
        if self.inbox:
            message = self.inbox.popleft()
            if self.pause_frame_fut is not None and len(self.inbox) < MAX_WAITING // 2:
                self.resume_frames()
            return message
        if self.connection.state is CLOSED:
            raise WebsocketClosed("Cannot receive from websocket interface after it is closed.")
        if self.reader is not None:
            raise ServerError("cannot call recv while another task is already waiting for the "
                              "next message")
        reader = self.reader = self.recv_cancel = asyncio.get_running_loop().create_future()
        try:
            if timeout is None:
                return await reader
            done, _ = await asyncio.wait({reader}, timeout=timeout)
            return reader.result() if done else None
        finally:
            if not reader.done():
                reader.cancel()
            self.reader = self.recv_cancel = None

    def connection_lost(self, exc: Optional[Exception]) -> None:
        super().connection_lost(exc)
        # Sanic's recv wakes only for a close frame or the end of the stream; a connection
        # reset has neither, and the handler would wait for ever.
        if self.reader is not None and not self.reader.done():
            self.reader.cancel()


class _Assembler:
    """What Sanic's event processing calls for a data frame: into the socket's inbox."""

    def __init__(self, ws: QuickReads):
        self.ws = ws

    async def put(self, frame: Frame) -> None:
        self.ws.assemble(frame)
