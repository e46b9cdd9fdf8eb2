"""The relay benchmark's lean WebSocket client, against a real `websockets` server on 127.0.0.1:
handshake, masked frames of every length encoding, fragments, pings, closing."""
from __future__ import annotations

import asyncio
from http import HTTPStatus

import pytest
import websockets

from support.lean_socket import ConnectionClosed, LeanSocket


async def serve(handler):
    server = await websockets.serve(handler, "127.0.0.1", 0, max_size=2 ** 20, compression=None)
    port = server.sockets[0].getsockname()[1]
    return server, f"ws://127.0.0.1:{port}/echo"


async def texts_fragments_pings():
    closed = []

    async def handler(ws):
        async for text in ws:
            if text == "fragments":
                await ws.send(["frag", "ments ", "joined"])
            elif text == "ping":
                await asyncio.wait_for(await ws.ping(b"are you there"), 5)  # the pong came
                await ws.send("pong seen")
            else:
                await ws.send(text)
        closed.append(ws.close_code)

    server, url = await serve(handler)
    try:
        socket = await LeanSocket.connect(url)
        for text in ("short", "x" * 200, "y" * 70_000, "ünïcödé ✓"):  # 7-bit, 16-bit, 64-bit
            await socket.send(text)
            assert await asyncio.wait_for(socket.recv(), 5) == text
        await socket.send("fragments")
        assert await asyncio.wait_for(socket.recv(), 5) == "fragments joined"
        await socket.send("ping")
        assert await asyncio.wait_for(socket.recv(), 5) == "pong seen"
        seen = []
        socket.on_text = seen.append  # the generator's way: a callback, no queue
        socket.send_text("called back")
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        assert seen == ["called back"]
        await socket.close()
        assert socket.closed.done()
        for _ in range(100):
            if closed:
                break
            await asyncio.sleep(0.01)
        assert closed == [1000]  # the closing handshake completed on the server's side
        with pytest.raises(ConnectionClosed):
            socket.send_text("too late")
    finally:
        server.close()
        await server.wait_closed()


async def refused_and_closed_by_the_server():
    async def handler(ws):
        await ws.close(code=1008, reason="go away")

    def refuse(path, _headers):
        return (HTTPStatus.FORBIDDEN, [], b"not here") if path == "/refused" else None

    server = await websockets.serve(handler, "127.0.0.1", 0, process_request=refuse)
    url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        with pytest.raises(ConnectionClosed, match="403"):
            await LeanSocket.connect(url + "/refused")
        socket = await LeanSocket.connect(url + "/echo")
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(socket.recv(), 5)
        assert socket.closed.done()
        with pytest.raises(ConnectionClosed):  # and stays closed
            await socket.recv()
    finally:
        server.close()
        await server.wait_closed()


def test_texts_of_every_length_both_ways_fragments_and_pings():
    asyncio.run(asyncio.wait_for(texts_fragments_pings(), 30))


def test_a_refused_handshake_and_a_server_closing_first():
    asyncio.run(asyncio.wait_for(refused_and_closed_by_the_server(), 30))
