"""Frames ready for one socket at the same moment go out in one write.

Sanic 21.12's `send` makes one transport write (one system call) per frame; a sender's own
event and its ack, or the events of the twenty chats an agent holds, are ready together. This
does what `WebsocketImplProtocol.send` does, under the same lock and checks, for several text
frames, then hands the joined bytes to the transport at once. Any other socket object (or a
single frame) goes through its own `send`.
"""
from __future__ import annotations

from typing import Any, Sequence

from sanic.exceptions import WebsocketClosed
from sanic.server.websockets.impl import WebsocketImplProtocol
from websockets.connection import CLOSED, CLOSING


async def send_all(ws: Any, texts: Sequence[str]) -> None:
    """Sends the text frames in order; raises WebsocketClosed once the socket is closing."""
    if len(texts) == 1 or not isinstance(ws, WebsocketImplProtocol):
        for text in texts:
            await ws.send(text)
        return
    async with ws.conn_mutex:
        if ws.connection.state in (CLOSED, CLOSING):
            raise WebsocketClosed("Cannot write to websocket interface after it is closed.")
        if not ws.data_finished_fut or ws.data_finished_fut.done():
            raise WebsocketClosed("Cannot write to websocket interface after it is finished.")
        for text in texts:
            ws.connection.send_text(text.encode("utf-8"))
        chunks = ws.connection.data_to_send()
        if all(chunks):
            await ws.io_proto.send(b"".join(chunks))
        else:  # an empty chunk is the end of the stream: Sanic's own handling closes it
            await ws.send_data(chunks)
