"""The peer of the relay benchmark: the `websockets` library forwarding frames between the two
sockets of a room (`/<room>/a` and `/<room>/b`), storing nothing.

    .venv/bin/python -m bench.bare_relay PORT
"""
from __future__ import annotations

import asyncio
import sys
from typing import Any, Dict

import websockets


async def serve(port: int) -> None:
    rooms: Dict[str, Dict[str, Any]] = {}

    async def relay(ws: Any, path: str) -> None:
        room, side = path.strip("/").rsplit("/", 1)
        peers = rooms.setdefault(room, {})
        peers[side] = ws
        other = "b" if side == "a" else "a"
        try:
            async for frame in ws:
                peer = peers.get(other)
                if peer is not None:
                    await peer.send(frame)
        finally:
            peers.pop(side, None)

    async with websockets.serve(relay, "127.0.0.1", port, max_size=2 ** 16):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
