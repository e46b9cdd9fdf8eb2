"""What the hub's sockets read (handoff/wire/reads.py), against a real Sanic server and a real
`websockets` client: messages whole and in order around pings, fragments and bursts, Sanic's
answers to a close, a reset, a timeout and bad UTF-8."""
from __future__ import annotations

import asyncio
import socket
import struct
from typing import Any, Dict, List

import pytest
import websockets
from sanic.exceptions import WebsocketClosed
from websockets.frames import OP_TEXT

from handoff.wire.reads import MAX_WAITING, QuickReads
from tests.handoff.conftest import serving


async def test_messages_arrive_whole_and_in_order_around_pings_and_fragments():
    got: List[Any] = []

    async def handler(ws: Any) -> None:
        got.append(type(ws))
        for _ in range(6):
            got.append(await ws.recv())
        await ws.send("read")

    async with serving(handler) as url:
        async with websockets.connect(url) as ws:
            await ws.send("first")
            await ws.send(["frag", "ment", "ed ü"])  # one message in three frames
            pong = await ws.ping()
            await ws.send(b"\x00binary\xff")
            await ws.send("é" * 70000)  # longer than one read
            await asyncio.wait_for(pong, 5)
            await ws.send("after the ping")
            await ws.send("last")
            assert await asyncio.wait_for(ws.recv(), 5) == "read"
    assert got == [QuickReads, "first", "fragmented ü", b"\x00binary\xff", "é" * 70000,
                   "after the ping", "last"]


async def test_a_burst_pauses_the_socket_and_every_message_is_read_in_order():
    seen: Dict[str, Any] = {}
    burst = 4 * MAX_WAITING

    async def handler(ws: Any) -> None:
        for _ in range(1000):
            if ws.pause_frame_fut is not None:
                break
            await asyncio.sleep(0.01)
        seen["paused"] = ws.pause_frame_fut is not None
        seen["messages"] = [await ws.recv() for _ in range(burst)]
        seen["resumed"] = ws.pause_frame_fut is None
        await ws.send("read")

    async with serving(handler) as url:
        async with websockets.connect(url) as ws:
            for n in range(burst):
                await ws.send(f"m{n}")
            assert await asyncio.wait_for(ws.recv(), 10) == "read"
    assert seen == {"paused": True, "messages": [f"m{n}" for n in range(burst)],
                    "resumed": True}


async def test_a_timeout_returns_nothing_and_a_close_ends_the_reading():
    """(Once the connection is gone Sanic cancels the handler itself.)"""
    outcomes: List[Any] = []
    finished = asyncio.Event()

    async def handler(ws: Any) -> None:
        try:
            outcomes.append(await ws.recv(timeout=0.05))
            await ws.send("waited")
            outcomes.append(await ws.recv(timeout=5))
            await ws.recv()
        except asyncio.CancelledError:  # as Sanic's own recv answers a close
            outcomes.append("cancelled")
        finally:
            finished.set()

    async with serving(handler) as url:
        async with websockets.connect(url) as ws:
            assert await asyncio.wait_for(ws.recv(), 5) == "waited"
            await ws.send("within the time")
        await asyncio.wait_for(finished.wait(), 15)
    assert outcomes == [None, "within the time", "cancelled"]


async def test_a_reset_connection_ends_the_reading():
    ended = asyncio.Event()

    async def handler(ws: Any) -> None:
        try:
            await ws.recv()
        except (asyncio.CancelledError, WebsocketClosed):
            ended.set()

    async with serving(handler) as url:
        ws = await websockets.connect(url)
        raw = ws.transport.get_extra_info("socket")
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        ws.transport.abort()  # a reset: no close frame, no end of the stream
        await asyncio.wait_for(ended.wait(), 5)


async def test_a_text_frame_that_is_not_utf8_closes_the_socket_with_1007():
    async def handler(ws: Any) -> None:
        await ws.recv()

    async with serving(handler) as url:
        async with websockets.connect(url) as ws:
            await ws.write_frame(True, OP_TEXT, b"caf\xe9")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.code == 1007
