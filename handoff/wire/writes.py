"""Frames ready for one socket at the same moment go out in one write.

Sanic 21.12's `send` makes one transport write (one system call) per frame; a sender's own
event and its ack, or the events of the twenty chats an agent holds, are ready together. This
does what `WebsocketImplProtocol.send` does, under the same lock and checks, for several text
frames, then hands the joined bytes to the transport at once. Any other socket object (or a
single frame) goes through its own `send`.

`send_now` is the same write without awaiting anything, for a socket nobody else is writing to
and whose client keeps up (the transport is not holding writes back): the hub's connections
(handoff/wire/connection.py) write from a callback then, not from a task woken for each frame.

Both frame the texts here rather than through `websockets`' `send_text`, whose frame object and
serializer took 6% of the loop's busy time (py-spy, bench/relay_bench.py): a server's text frame
is only a header and the bytes, unmasked, and no extension is negotiated (Sanic offers none).
Should one ever be, the frames go through `websockets` again.
"""
from __future__ import annotations

import struct
import time
from typing import Any, List, Sequence

from sanic.exceptions import WebsocketClosed
from sanic.server.websockets.impl import WebsocketImplProtocol
from websockets.connection import CLOSED, CLOSING

FIN_TEXT = 0x81  # RFC 6455 5.2: the final (only) frame of a text message
_SHORT_HEADERS = [bytes((FIN_TEXT, length)) for length in range(126)]


async def send_all(ws: Any, texts: Sequence[str]) -> None:
    """Sends the text frames in order; raises WebsocketClosed once the socket is closing."""
    if len(texts) == 1 or not isinstance(ws, WebsocketImplProtocol):
        for text in texts:
            await ws.send(text)
        return
    async with ws.conn_mutex:
        _refuse_if_closing(ws)
        chunks = framed(ws.connection, texts)
        if all(chunks):
            await ws.io_proto.send(b"".join(chunks))
        else:  # an empty chunk is the end of the stream: Sanic's own handling closes it
            await ws.send_data(chunks)


def send_now(ws: Any, texts: Sequence[str]) -> bool:
    """Writes the text frames at once, in order, and returns True; False (nothing written) where
    that would mean waiting: another write holds the socket's lock, or the transport holds
    writes back until the client reads (send them with `send_all` then). Raises
    WebsocketClosed once the socket is closing."""
    if not isinstance(ws, WebsocketImplProtocol) or ws.conn_mutex.locked():
        return False
    protocol = ws.io_proto
    if protocol is None or not protocol._can_write.is_set():
        return False
    _refuse_if_closing(ws)
    if protocol.transport is None or protocol.transport.is_closing():
        raise WebsocketClosed("Cannot write to websocket interface after it is closed.")
    protocol.transport.write(b"".join(framed(ws.connection, texts)))
    protocol._time = time.monotonic()  # as Sanic's own send marks the connection active
    return True


def framed(connection: Any, texts: Sequence[str]) -> List[bytes]:
    """What is to be written: whatever `websockets` has waiting (a pong), then the text frames."""
    if connection.extensions or connection.expect_continuation_frame:
        for text in texts:
            connection.send_text(text.encode("utf-8"))
        return connection.data_to_send()
    chunks = connection.data_to_send()
    for text in texts:
        payload = text.encode("utf-8")
        length = len(payload)
        if length < 126:
            chunks.append(_SHORT_HEADERS[length])
        elif length < 1 << 16:
            chunks.append(struct.pack("!BBH", FIN_TEXT, 126, length))
        else:
            chunks.append(struct.pack("!BBQ", FIN_TEXT, 127, length))
        chunks.append(payload)
    return chunks


def _refuse_if_closing(ws: WebsocketImplProtocol) -> None:
    if ws.connection.state in (CLOSED, CLOSING):
        raise WebsocketClosed("Cannot write to websocket interface after it is closed.")
    if not ws.data_finished_fut or ws.data_finished_fut.done():
        raise WebsocketClosed("Cannot write to websocket interface after it is finished.")
