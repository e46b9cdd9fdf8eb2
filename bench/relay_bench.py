"""The relay: users and agents chatting through the hub, every message stored before delivery.

    .venv/bin/python -m bench.relay_bench [--chats 1000] [--seconds 60] [--closed-chats 64]

1. Open loop: `--chats` live chats (one user socket each; online agents claiming 20 chats each), every
   user and every agent sending a message every 2 s for `--seconds`: the delivery latency (sent
   by one side to received by the other, stored in between) and a check that every acknowledged
   message is in the database once.
2. Closed loop: `--closed-chats` chats, each user and agent answering each other as fast as the
   messages arrive, for `--closed-seconds`: relayed messages per second, through the hub and
   through a bare `websockets` relay (bench/bare_relay.py, storing nothing) driven the same way.

Load comes from `--workers` processes of their own: the open loop's through a lean WebSocket
client (support/lean_socket.py; generators driven through `websockets` took 0.5 of this machine's
two cores from the hub they measure), the closed loop's through `websockets`, as for the bare
relay. The hub runs as `bolt run` starts it, with its default settings but for the rate limits,
raised for the run: to 1,000 frames a second in the open loop (an agent holding 20 chats sends
10 messages a second), and out of the way in the closed loop, whose agents send as fast as the
hub answers (over 1,000 a second each on a quiet machine). A refused frame fails the run.
Results: bench/results/relay.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Tuple

import aiohttp
import websockets

from handoff.config import TICK_SECONDS
from support import REPOSITORY
from support.hub import handoff_body
from support.hub import QUICK_FAULTS, hub_environment
from support.hub_process import HubProcess
from support.lean_socket import LeanSocket
from support.load import (
    CpuMeter, StealMeter, by_second, in_processes, latency_summary, machine, write_results,
)
from support.ports import free_port
from support.tokens import PASSWORD, SERVICE_TOKEN, user_token

CHATS_PER_AGENT = 20
PERIOD = 2.0


async def websockets_connect(url: str) -> Any:
    """The sockets keep every frame they receive (`max_queue=None`) until they are read: with the
    default 32, a socket not read during the set-up stops reading from TCP, its keepalive pong
    goes unread, and the client closes it (1011) as if the hub had not answered."""
    return await websockets.connect(url, max_size=2 ** 24, max_queue=None)


async def open_chats(ws_url: str, http_url: str, first: int, chats: int,
                     connect: Callable[[str], Awaitable[Any]] = websockets_connect) -> tuple:
    """`chats` user sockets, each handed off and claimed by one of this worker's agents."""
    users = []
    for number in range(first, first + chats):
        ws = await connect(ws_url + "/ws/chat")
        await ws.send(json.dumps({"type": "hello", "locale": "de-DE",
                                  "token": user_token(f"u-{number}", "acme")}))
        welcome = json.loads(await ws.recv())
        users.append((welcome["conversation_id"], ws))
    agents = []
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}) as http:
        for index in range(0, chats, CHATS_PER_AGENT):
            ws = await connect(ws_url + "/ws/agent")
            await ws.send(json.dumps({"type": "login", "name": agent_name(first + index),
                                      "password": PASSWORD}))
            await ws.send(json.dumps({"type": "status", "status": "online"}))
            while json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] != "status":
                pass
            held = users[index:index + CHATS_PER_AGENT]
            for conversation_id, _ in held:
                async with http.post(http_url + "/api/handoffs",
                                     json=handoff_body(conversation_id)) as response:
                    assert response.status in (200, 201), await response.text()
                await ws.send(json.dumps({"type": "claim", "conversation_id": conversation_id}))
            waiting = {conversation_id for conversation_id, _ in held}
            while waiting:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if frame["type"] == "assigned":
                    waiting.discard(frame["conversation"]["conversation_id"])
                elif frame["type"] == "error":
                    raise RuntimeError(f"claim refused: {frame}")
            agents.append((ws, [conversation_id for conversation_id, _ in held]))
    return users, agents


def agent_name(first_chat: int) -> str:
    return f"agent-{first_chat // CHATS_PER_AGENT}"


async def drain(ws: Any) -> None:
    """Reads what is already queued on a socket (queue updates from the set-up)."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), 0.05)
    except asyncio.TimeoutError:
        return


async def open_loop_worker(ws_url: str, http_url: str, first: int, chats: int, start_at: float,
                           seconds: float) -> Dict[str, Any]:
    """Through support/lean_socket.py: the generators take less of the CPU the hub also needs."""
    users, agents = await open_chats(ws_url, http_url, first, chats, LeanSocket.connect)
    for ws in [ws for _, ws in users] + [ws for ws, _ in agents]:
        await drain(ws)
    if time.time() > start_at:
        raise RuntimeError("set-up took longer than the time allowed for it")
    latencies: List[Tuple[float, float]] = []  # (sent at, latency) of each message received
    counts = {"sent": 0, "acked": 0, "received": 0}
    stop_at = start_at + seconds

    def reader(speaker: str) -> Callable[[str], None]:
        def read(raw: str) -> None:
            frame = json.loads(raw)
            if frame["type"] == "ack":
                counts["acked"] += 1
            elif frame["type"] == "event" and frame.get("speaker") == speaker:
                sent_at = float(frame["text"].split()[0])
                latencies.append((sent_at, time.time() - sent_at))
                counts["received"] += 1
        return read

    async def cpu_of_the_run() -> float:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        before = time.process_time()
        await asyncio.sleep(max(0.0, stop_at - time.time()))
        return time.process_time() - before

    async def sender(ws: LeanSocket, frame: Dict[str, Any], tag: str) -> None:
        await asyncio.sleep(start_at - time.time() + random.uniform(0, PERIOD))
        number = 0
        while time.time() < stop_at:
            number += 1
            ws.send_text(json.dumps({**frame, "client_id": f"{tag}-{number}",
                                     "text": f"{time.time():.6f} message {number}"}))
            counts["sent"] += 1
            await asyncio.sleep(PERIOD)

    for _, ws in users:
        ws.on_text = reader("agent")
    for ws, _ in agents:
        ws.on_text = reader("user")
    senders = [sender(ws, {"type": "message"}, "u") for _, ws in users]
    senders += [sender(ws, {"type": "message", "conversation_id": c}, f"a-{c}")
                for ws, held in agents for c in held]
    cpu_seconds, *_ = await asyncio.gather(cpu_of_the_run(), *senders)
    await asyncio.sleep(5)  # the last messages arrive
    for ws in [ws for _, ws in users] + [ws for ws, _ in agents]:
        await ws.close()
    return {"latencies": latencies, "cpu_seconds": cpu_seconds, **counts}


async def ping_pong(send_a: Callable[[Dict[str, Any]], Awaitable[Any]],
                    receive_b: Callable[[], Awaitable[Any]],
                    send_b: Callable[[Dict[str, Any]], Awaitable[Any]],
                    receive_a: Callable[[], Awaitable[Any]], stop_at: float) -> int:
    """One chat of the closed loop, the same for both relays: each side answers the other's
    message as soon as it arrives. Returns the messages relayed."""
    number = 0
    while time.time() < stop_at:
        number += 1
        await send_a({"type": "message", "client_id": f"u{number}", "text": f"ping {number}"})
        await receive_b()
        await send_b({"type": "message", "client_id": f"a{number}", "text": f"pong {number}"})
        await receive_a()
    return 2 * number


async def closed_loop_hub_worker(ws_url: str, http_url: str, first: int, chats: int,
                                 start_at: float, seconds: float) -> Dict[str, Any]:
    users, agents = await open_chats(ws_url, http_url, first, chats)
    for ws in [ws for _, ws in users] + [ws for ws, _ in agents]:
        await drain(ws)
    to_agent: Dict[str, asyncio.Queue] = {c: asyncio.Queue() for c, _ in users}
    to_user: Dict[str, asyncio.Queue] = {c: asyncio.Queue() for c, _ in users}

    async def reader(ws: Any, speaker: str, inboxes: Dict[str, asyncio.Queue]) -> None:
        try:
            async for raw in ws:
                frame = json.loads(raw)
                if frame["type"] == "event" and frame.get("speaker") == speaker:
                    inboxes[frame["conversation_id"]].put_nowait(frame)
                elif frame["type"] == "error":  # a refused message: its chat would wait forever
                    raise RuntimeError(f"the hub refused a frame: {frame}")
        except websockets.ConnectionClosed:
            pass

    agent_of = {c: ws for ws, held in agents for c in held}
    relayed = [0]
    await asyncio.sleep(max(0.0, start_at - time.time()))
    stop_at = start_at + seconds

    async def chat(conversation_id: str, user: Any) -> None:
        agent = agent_of[conversation_id]
        # Awaited first: `relayed[0] += await ...` would read the total before the await and
        # keep only the last chat's count.
        count = await ping_pong(
            lambda frame: user.send(json.dumps(frame)), to_agent[conversation_id].get,
            lambda frame: agent.send(json.dumps({**frame, "conversation_id": conversation_id})),
            to_user[conversation_id].get, stop_at)
        relayed[0] += count

    readers = [asyncio.create_task(reader(ws, "agent", to_user)) for _, ws in users]
    readers += [asyncio.create_task(reader(ws, "user", to_agent)) for ws, _ in agents]
    started = time.time()
    chats = asyncio.ensure_future(asyncio.gather(*(chat(c, ws) for c, ws in users)))
    # A reader that ends before the chats do (a refused frame, a closed socket) leaves a chat
    # waiting forever: the run fails instead.
    await asyncio.wait([chats, *readers], return_when=asyncio.FIRST_COMPLETED)
    elapsed = time.time() - started
    ended = [task for task in readers if task.done()]
    if ended:
        chats.cancel()
        raise ended[0].exception() or RuntimeError("the hub closed a socket during the run")
    chats.result()  # raises a chat's own failure
    for ws in [ws for _, ws in users] + [ws for ws, _ in agents]:
        await ws.close()
    await asyncio.gather(*readers)
    return {"relayed": relayed[0], "seconds": elapsed}


async def closed_loop_bare_worker(ws_url: str, first: int, chats: int, start_at: float,
                                  seconds: float) -> Dict[str, Any]:
    pairs = [(await websockets.connect(f"{ws_url}/{room}/a"),
              await websockets.connect(f"{ws_url}/{room}/b"))
             for room in range(first, first + chats)]
    await asyncio.sleep(max(0.0, start_at - time.time()))
    stop_at = start_at + seconds
    relayed = [0]

    async def chat(a: Any, b: Any) -> None:
        count = await ping_pong(lambda frame: a.send(json.dumps(frame)), b.recv,
                                lambda frame: b.send(json.dumps(frame)), a.recv, stop_at)
        relayed[0] += count

    started = time.time()
    await asyncio.gather(*(chat(a, b) for a, b in pairs))
    elapsed = time.time() - started
    for a, b in pairs:
        await a.close()
        await b.close()
    return {"relayed": relayed[0], "seconds": elapsed}


def slices(total: int, workers: int) -> List[tuple]:
    """(first chat, chats) per worker, in whole agents' worth of chats."""
    agents = -(-total // CHATS_PER_AGENT)
    per_worker = -(-agents // workers) * CHATS_PER_AGENT
    return [(first, min(per_worker, total - first)) for first in range(0, total, per_worker)]


OPEN_LOOP_RATE = 1_000  # frames per second per socket, and the burst
CLOSED_LOOP_RATE = 1_000_000


def start_hub(state: Path, chats: int, rate: int) -> HubProcess:
    hub = HubProcess(hub_environment(
        state / "var", f"http://127.0.0.1:{free_port()}", QUICK_FAULTS,
        BOLT_HUB_RATE_PER_SECOND=str(rate), BOLT_HUB_RATE_BURST=str(rate),
        BOLT_HUB_OFFER_SECONDS="3600", BOLT_HUB_TICK_SECONDS=str(TICK_SECONDS)), state / "hub.log")
    asyncio.run(hub.start())
    for first in range(0, chats, CHATS_PER_AGENT):
        hub.add_agent(agent_name(first), ["de"], capacity=CHATS_PER_AGENT)
    return hub


def print_log_tail(hub: HubProcess) -> None:
    """What the hub said before a failed run (its folder is removed with the run)."""
    print(hub.log_path.read_text(encoding="utf-8", errors="replace")[-6000:], file=sys.stderr)


def stored_messages(hub: HubProcess) -> int:
    with sqlite3.connect(hub.database) as db:
        return db.execute("SELECT count(*) FROM events WHERE kind = 'message'").fetchone()[0]


def open_loop(args: argparse.Namespace) -> Dict[str, Any]:
    with tempfile.TemporaryDirectory() as state:
        hub = start_hub(Path(state), args.chats, OPEN_LOOP_RATE)
        try:
            start_at = time.time() + args.setup_seconds
            steal = StealMeter(start_at, args.seconds)
            hub_cpu = CpuMeter(hub.process.pid, start_at, args.seconds)
            parts = in_processes(open_loop_worker, [
                (hub.ws_url, hub.url, first, count, start_at, args.seconds)
                for first, count in slices(args.chats, args.workers)],
                timeout=args.setup_seconds + args.seconds + 120)
            stored = stored_messages(hub)
        except Exception:
            print_log_tail(hub)
            raise
        finally:
            hub.terminate()
    sent_and_latency = [pair for part in parts for pair in part["latencies"]]
    latencies = [latency for _, latency in sent_and_latency]
    steal_by_second = steal.result()
    shares = [share for share in steal_by_second if share is not None]
    totals = {key: sum(part[key] for part in parts) for key in ("sent", "acked", "received")}
    return {"chats": args.chats, "seconds": args.seconds, "period_seconds": PERIOD, **totals,
            # At least every acknowledged message is stored; more when acks were still on their
            # way as the sockets closed (a hub behind its load).
            "stored_messages": stored, "every_acknowledged_message_stored": stored >= totals["acked"],
            "stored_but_not_acknowledged_at_close": stored - totals["acked"],
            "delivered_per_second": round(totals["received"] / args.seconds, 1),
            "delivery_latency": latency_summary(latencies),
            "cpu_steal": {"mean": round(sum(shares) / len(shares), 3) if shares else None,
                          "max": max(shares, default=None)},
            "cpu_cores": {"hub": hub_cpu.result(), "load_generators": round(
                sum(part["cpu_seconds"] for part in parts) / args.seconds, 3)},
            "by_second": by_second(sent_and_latency, start_at, steal_by_second)}


def closed_loop(args: argparse.Namespace) -> Dict[str, Any]:
    with tempfile.TemporaryDirectory() as state:
        hub = start_hub(Path(state), args.closed_chats, CLOSED_LOOP_RATE)
        try:
            start_at = time.time() + 30
            parts = in_processes(closed_loop_hub_worker, [
                (hub.ws_url, hub.url, first, count, start_at, args.closed_seconds)
                for first, count in slices(args.closed_chats, args.workers)],
                timeout=30 + args.closed_seconds + 60)
        except Exception:
            print_log_tail(hub)
            raise
        finally:
            hub.terminate()
    hub_rate = sum(p["relayed"] for p in parts) / max(p["seconds"] for p in parts)
    port = free_port()
    bare = subprocess.Popen([sys.executable, "-m", "bench.bare_relay", str(port)], cwd=REPOSITORY)
    try:
        time.sleep(1.5)
        start_at = time.time() + 5
        parts = in_processes(closed_loop_bare_worker, [
            (f"ws://127.0.0.1:{port}", first, count, start_at, args.closed_seconds)
            for first, count in slices(args.closed_chats, args.workers)],
            timeout=5 + args.closed_seconds + 60)
    finally:
        bare.terminate()
        bare.wait()
    bare_rate = sum(p["relayed"] for p in parts) / max(p["seconds"] for p in parts)
    return {"chats": args.closed_chats, "seconds": args.closed_seconds,
            "hub_relayed_per_second": round(hub_rate, 1),
            "bare_relay_relayed_per_second": round(bare_rate, 1),
            "hub_share_of_bare": round(hub_rate / bare_rate, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--setup-seconds", type=float, default=90)
    parser.add_argument("--closed-chats", type=int, default=64)
    parser.add_argument("--closed-seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-open-loop", action="store_true")
    parser.add_argument("--skip-closed-loop", action="store_true")
    args = parser.parse_args()
    results: Dict[str, Any] = {"machine": machine()}
    if not args.skip_open_loop:
        results["open_loop"] = open_loop(args)
    if not args.skip_closed_loop:
        results["closed_loop"] = closed_loop(args)
    write_results("relay", results)


if __name__ == "__main__":
    main()
