"""A WebSocket client with only what the relay's open-loop load generators need.

On this 2-core machine the generators share the CPU with the hub they measure. Driven through
the `websockets` client (a task, a queue and several awaits per frame), the two generators took
0.5 of a core at 1,000 messages/s; whatever they take, the hub does not get. This client parses
the hub's frames in `data_received` and hands each text to a callback, and frames what it sends
in one write. It speaks RFC 6455 as far as a client must: the opening handshake (checked), masked
frames (a zero key: masking is for proxies' caches, and there are none on 127.0.0.1), pongs for
the server's pings, the closing handshake, unfragmented or fragmented text frames. No extensions
are offered, so none are spoken.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import struct
from typing import Callable, List, Optional
from urllib.parse import urlsplit

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3
TEXT, CLOSE, PING, PONG, CONTINUATION = 0x1, 0x8, 0x9, 0xA, 0x0
ZERO_MASK = b"\0\0\0\0"


class ConnectionClosed(Exception):
    """The socket closed (by either side) before the frame asked for came."""


def client_frame(opcode: int, payload: bytes) -> bytes:
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    return header + ZERO_MASK + payload


class LeanSocket(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: Optional[asyncio.Transport] = None
        self.buffer = bytearray()
        self.handshake: Optional[asyncio.Future] = None
        self.expected_accept = b""
        self.fragments: List[bytes] = []
        self.inbox: "asyncio.Queue[Optional[str]]" = asyncio.Queue()
        self.on_text: Optional[Callable[[str], None]] = None  # else texts queue for recv()
        self.closed = asyncio.get_running_loop().create_future()
        self.closing = False  # this side sent the close frame

    @classmethod
    async def connect(cls, url: str) -> "LeanSocket":
        parts = urlsplit(url)
        loop = asyncio.get_running_loop()
        _, socket = await loop.create_connection(cls, parts.hostname, parts.port)
        key = base64.b64encode(os.urandom(16))
        socket.expected_accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        socket.handshake = loop.create_future()
        socket.transport.write(
            f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key.decode()}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
        await socket.handshake
        return socket

    # --- what the generator calls ---------------------------------------------------------------

    def send_text(self, text: str) -> None:
        if self.closed.done():
            raise ConnectionClosed()
        self.transport.write(client_frame(TEXT, text.encode("utf-8")))

    async def send(self, text: str) -> None:
        self.send_text(text)

    async def recv(self) -> str:
        text = await self.inbox.get()
        if text is None:
            self.inbox.put_nowait(None)  # every later recv() fails too
            raise ConnectionClosed()
        return text

    async def close(self) -> None:
        if not self.closed.done() and not self.closing:
            self.closing = True
            self.transport.write(client_frame(CLOSE, struct.pack("!H", 1000)))
            try:
                await asyncio.wait_for(asyncio.shield(self.closed), 5)
            except asyncio.TimeoutError:
                self.transport.close()

    # --- asyncio.Protocol -------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, error: Optional[Exception]) -> None:
        if self.handshake is not None and not self.handshake.done():
            self.handshake.set_exception(ConnectionClosed("closed during the handshake"))
        if not self.closed.done():
            self.closed.set_result(None)
        self.inbox.put_nowait(None)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.handshake.done():
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            del self.buffer[:end + 4]
            status, *headers = head.split("\r\n")
            fields = {name.strip().lower(): value.strip() for name, _, value in
                      (line.partition(":") for line in headers)}
            if (status.split(" ")[1:2] != ["101"]
                    or fields.get("sec-websocket-accept", "").encode() != self.expected_accept):
                self.handshake.set_exception(ConnectionClosed(f"refused: {status}"))
                self.transport.close()
                return
            self.handshake.set_result(None)
        self._frames()

    def _frames(self) -> None:
        buffer = self.buffer
        while len(buffer) >= 2:
            first, second = buffer[0], buffer[1]
            length, start = second & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length, start = struct.unpack_from("!H", buffer, 2)[0], 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length, start = struct.unpack_from("!Q", buffer, 2)[0], 10
            if second & 0x80:  # a server must not mask its frames (RFC 6455, 5.1)
                self.transport.close()
                return
            end = start + length
            if len(buffer) < end:
                return
            payload = bytes(buffer[start:end])
            del buffer[:end]
            self._frame(first & 0x80, first & 0x0F, payload)

    def _frame(self, final: int, opcode: int, payload: bytes) -> None:
        if opcode in (TEXT, CONTINUATION):
            self.fragments.append(payload)
            if final:
                text = b"".join(self.fragments).decode("utf-8")
                self.fragments = []
                if self.on_text is not None:
                    self.on_text(text)
                else:
                    self.inbox.put_nowait(text)
        elif opcode == PING:
            self.transport.write(client_frame(PONG, payload))
        elif opcode == CLOSE:
            if not self.closing:  # the server's close: answered, as the protocol asks
                self.closing = True
                self.transport.write(client_frame(CLOSE, payload[:2]))
            self.transport.close()
