"""Capacity: idle sidebar connections one hub process holds, and its memory per connection.

    .venv/bin/python -m bench.capacity_bench [--connections 10000] [--workers 4]

Each connection is a real sidebar: a WebSocket that said `hello` and got its `welcome` (a new
conversation each). The load generators are processes of their own; the hub's resident memory
is read from /proc before and while they hold every connection, and a fresh socket's ping
round trip shows whether the hub still answers. Results: bench/results/capacity.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict

import websockets

from support.hub import QUICK_FAULTS, hub_environment
from support.hub_process import HubProcess
from support.load import in_processes, machine, resident_mib, write_results
from support.ports import free_port


async def hold(ws_url: str, count: int, connected_by: float, release_at: float) -> Dict[str, Any]:
    sockets = []
    failures = 0
    for _ in range(count):
        try:
            ws = await websockets.connect(ws_url + "/ws/chat", ping_interval=None)
            await ws.send(json.dumps({"type": "hello", "locale": "en-US"}))
            if json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] == "welcome":
                sockets.append(ws)
            else:
                failures += 1
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException):
            failures += 1
    done = time.time()
    await asyncio.sleep(max(0.0, release_at - time.time()))
    still_open = sum(1 for ws in sockets if ws.open)
    for ws in sockets:
        await ws.close()
    return {"connected": len(sockets), "failures": failures, "in_time": done <= connected_by,
            "done_at": done,
            "still_open_at_release": still_open}


async def ping_round_trip(ws_url: str) -> float:
    async with websockets.connect(ws_url + "/ws/chat") as ws:
        await ws.send(json.dumps({"type": "hello", "locale": "en-US"}))
        await ws.recv()
        started = time.perf_counter()
        await ws.send(json.dumps({"type": "ping"}))
        while json.loads(await ws.recv())["type"] != "pong":
            pass
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connect-seconds", type=float, default=240)
    args = parser.parse_args()
    results: Dict[str, Any] = {"machine": machine()}
    with tempfile.TemporaryDirectory() as state:
        hub = HubProcess(hub_environment(Path(state) / "var", f"http://127.0.0.1:{free_port()}",
                                         QUICK_FAULTS),
                         Path(state) / "hub.log")
        asyncio.run(hub.start())
        try:
            idle_mib = resident_mib(hub.process.pid)
            started = time.time()
            connected_by = started + args.connect_seconds
            release_at = connected_by + 10
            per_worker = -(-args.connections // args.workers)
            with ThreadPoolExecutor(1) as pool:
                parts_future = pool.submit(in_processes, hold, [
                    (hub.ws_url, min(per_worker, args.connections - first), connected_by,
                     release_at) for first in range(0, args.connections, per_worker)],
                    args.connect_seconds + 120)
                time.sleep(max(0.0, connected_by - time.time()) + 3)
                held_mib = resident_mib(hub.process.pid)
                ping = asyncio.run(ping_round_trip(hub.ws_url))
                parts = parts_future.result()
        finally:
            hub.terminate()
    connected = sum(p["connected"] for p in parts)
    results.update({
        "connections_asked": args.connections, "connections_held": connected,
        "failures": sum(p["failures"] for p in parts),
        "all_connected_before_measuring": all(p["in_time"] for p in parts),
        "still_open_at_release": sum(p["still_open_at_release"] for p in parts),
        "hub_resident_mib_idle": round(idle_mib, 1), "hub_resident_mib_holding": round(held_mib, 1),
        "kib_per_connection": round((held_mib - idle_mib) * 1024 / max(1, connected), 1),
        "ping_round_trip_ms_while_holding": round(ping * 1000, 1),
        "seconds_to_connect_all": round(max(p["done_at"] for p in parts) - started, 1),
    })
    write_results("capacity", results)


if __name__ == "__main__":
    main()
