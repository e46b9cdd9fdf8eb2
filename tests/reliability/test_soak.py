"""Soak: many users and agents on a real hub process, dropping and reconnecting at random.
At the end every acknowledged message is stored once and in order, every user saw every event
of their conversation exactly once, each conversation has one owner, and the hub's memory did
not grow beyond a bound.

`make test` runs it short (BOLT_SOAK_SECONDS, default 20 s, BOLT_SOAK_USERS, default 60);
`python -m bench.soak` runs the long one (minutes, hundreds of users).
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import sqlite3
from typing import Any, Dict, List, Optional, Set

import websockets

from support.hub_process import HubProcess
from support.load import resident_mib
from support.memory_trend import MemoryTrend
from support.tokens import PASSWORD, user_token
from tests.reliability.checks import assert_acknowledged_kept, sender_client_id

SECONDS = float(os.environ.get("BOLT_SOAK_SECONDS", "20"))
USERS = int(os.environ.get("BOLT_SOAK_USERS", "60"))
WARM_UP_SECONDS = float(os.environ.get("BOLT_SOAK_WARM_UP_SECONDS") or min(5.0, SECONDS / 4))
# Where bench/soak.py wants the hub's memory over the run (JSON); unset: not written.
REPORT = os.environ.get("BOLT_SOAK_REPORT")
AGENTS = max(2, USERS // 20)
HANDED_OFF_SHARE = 0.25
DROP_CHANCE = 0.15
# Memory may settle after the warm-up (caches, connection buffers), not grow without bound.
GROWTH_LIMIT_MIB = 40.0


class SoakUser:
    def __init__(self, number: int, hub: HubProcess):
        self.number = number
        self.hub = hub
        self.token = user_token(f"soak-{number}", "acme")
        self.conversation_id: Optional[str] = None
        self.acknowledged: Dict[str, int] = {}  # in the order the acks came
        self.unacknowledged: List[str] = []
        self.sending_order: List[str] = []
        self.refused: Set[str] = set()  # refused by the hub (not stored): to send again
        # Sent again with no answer to the earlier send (neither ack nor error) before the drop:
        # stored then, or refused unseen (a rate limit), so its place in the order is unknown.
        self.fate_unknown: Set[str] = set()
        self.answered: Set[str] = set()  # an ack or an error came for it
        self.errors: Dict[str, int] = {}
        self.seen: Set[int] = set()
        self.duplicates = 0
        self.sent = 0

    async def connect(self) -> Any:
        ws = await websockets.connect(self.hub.ws_url + "/ws/chat", ping_interval=None)
        hello = {"type": "hello", "locale": "de-DE", "token": self.token}
        if self.conversation_id:
            hello.update(conversation_id=self.conversation_id,
                         last_seq=max(self.seen, default=0))
        await ws.send(json.dumps(hello))
        return ws

    def take(self, frame: Dict[str, Any]) -> None:
        if frame["type"] == "welcome":
            self.conversation_id = frame["conversation_id"]
        elif frame["type"] == "event":
            if frame["seq"] in self.seen:
                self.duplicates += 1
            self.seen.add(frame["seq"])
        elif frame["type"] == "ack" and frame["client_id"] in self.unacknowledged:
            self.answered.add(frame["client_id"])
            self.unacknowledged.remove(frame["client_id"])
            self.acknowledged[frame["client_id"]] = frame["seq"]
        elif frame["type"] == "error":
            self.errors[frame["code"]] = self.errors.get(frame["code"], 0) + 1
            if frame.get("ref") in self.unacknowledged:
                self.refused.add(frame["ref"])
                self.answered.add(frame["ref"])

    async def read(self, ws: Any, seconds: float) -> None:
        end = asyncio.get_running_loop().time() + seconds
        while (left := end - asyncio.get_running_loop().time()) > 0:
            try:
                self.take(json.loads(await asyncio.wait_for(ws.recv(), left)))
            except asyncio.TimeoutError:
                return

    async def run(self, until: float, handed_off: asyncio.Queue) -> None:
        loop = asyncio.get_running_loop()
        while loop.time() < until:
            try:
                ws = await self.connect()
                await self.read(ws, 0.3)
                if self.sent == 0 and self.conversation_id and random.random() < HANDED_OFF_SHARE:
                    handed_off.put_nowait(self.conversation_id)
                for client_id in list(self.unacknowledged):  # resent after a drop
                    if client_id in self.refused:  # not stored: sent now, after what followed
                        self.refused.discard(client_id)
                        self.sending_order.remove(client_id)
                        self.sending_order.append(client_id)
                    elif client_id not in self.answered:
                        self.fate_unknown.add(client_id)
                    await ws.send(json.dumps({"type": "message", "client_id": client_id,
                                              "text": f"again {client_id}"}))
                while loop.time() < until:
                    self.sent += 1
                    client_id = f"m{self.sent}"
                    self.unacknowledged.append(client_id)
                    self.sending_order.append(client_id)
                    await ws.send(json.dumps({"type": "message", "client_id": client_id,
                                              "text": f"Frage {self.sent}"}))
                    await self.read(ws, random.uniform(0.5, 1.5))
                    if random.random() < DROP_CHANCE:
                        ws.transport.abort()
                        break
                else:
                    await self.read(ws, 1.0)
                    await ws.close()
            except (OSError, websockets.WebSocketException, asyncio.TimeoutError):
                await asyncio.sleep(0.2)  # a refused or slow opening: tried again, as clients do

    def acknowledged_in_sending_order(self) -> Dict[str, int]:
        """A message resent after a drop may be acknowledged after the one sent next (the resend
        is found among what is stored): what must hold is the order they were sent in, a
        message the hub refused (a frame over a rate limit) counting from when it was sent
        again."""
        return {client_id: self.acknowledged[client_id] for client_id in self.sending_order
                if client_id in self.acknowledged and client_id not in self.fate_unknown}

    async def catch_up(self, last_seq: int, longest: float = 60.0) -> None:
        """Reads until it has seen `last_seq` (what the hub stored last), or for `longest`: a
        long conversation's replay comes at the pace this client reads, slower on a busy
        machine than any fixed wait; a refused or slow opening is tried again, as clients do."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + longest
        while max(self.seen, default=0) < last_seq and loop.time() < deadline:
            try:
                ws = await self.connect()
                while max(self.seen, default=0) < last_seq and loop.time() < deadline:
                    await self.read(ws, min(1.0, deadline - loop.time()))
                await ws.close()
            except (OSError, websockets.WebSocketException, asyncio.TimeoutError):
                await asyncio.sleep(0.2)


async def soak_agent(hub: HubProcess, name: str, until: float) -> int:
    """Accepts what it is offered, answers each user message, drops now and then."""
    session: Optional[str] = None
    replies = 0
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        try:
            ws = await websockets.connect(hub.ws_url + "/ws/agent", ping_interval=None,
                                          max_size=2 ** 24)
            login = {"session": session} if session else {"name": name, "password": PASSWORD}
            await ws.send(json.dumps({"type": "login", **login}))
            await ws.send(json.dumps({"type": "status", "status": "online"}))
            drop_at = loop.time() + random.uniform(3, 10)
            while loop.time() < min(until, drop_at):
                try:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                except asyncio.TimeoutError:
                    continue
                if frame["type"] == "welcome":
                    session = frame["session"]
                elif frame["type"] == "offer":
                    await ws.send(json.dumps({"type": "accept", "conversation_id":
                                              frame["conversation"]["conversation_id"]}))
                elif frame["type"] == "event" and frame.get("speaker") == "user":
                    replies += 1
                    await ws.send(json.dumps({
                        "type": "message", "conversation_id": frame["conversation_id"],
                        "client_id": f"r{frame['seq']}", "text": "Verstanden."}))
            if loop.time() < until:
                ws.transport.abort()
            else:
                await ws.close()
        except (OSError, websockets.WebSocketException, asyncio.TimeoutError):
            await asyncio.sleep(0.2)
    return replies


async def hand_off_as_they_come(hub: HubProcess, handed_off: asyncio.Queue, until: float) -> None:
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        try:
            conversation_id = await asyncio.wait_for(handed_off.get(), 0.5)
        except asyncio.TimeoutError:
            continue
        status, _ = await hub.hand_off(conversation_id)
        assert status in (200, 201, 409)


async def quiet(hub: HubProcess, seconds: float = 2.0, longest: float = 60.0) -> None:
    """Once nothing more is stored for `seconds`: the bot's answers to the last messages (a
    stand-in Rasa slowed down by this process's load may still be answering) are in."""
    loop = asyncio.get_running_loop()
    deadline, last, still_since = loop.time() + longest, -1, loop.time()
    while loop.time() < deadline:
        with sqlite3.connect(hub.database) as db:
            count = db.execute("SELECT count(*) FROM events").fetchone()[0]
        if count != last:
            last, still_since = count, loop.time()
        elif loop.time() - still_since >= seconds:
            return
        await asyncio.sleep(0.2)


async def test_soak_users_and_agents_dropping_and_reconnecting(hub_process):
    async with hub_process(BOLT_HUB_AGENT_GRACE_SECONDS="30",
                           BOLT_HUB_OFFER_SECONDS="5") as (hub, rasa):
        for number in range(AGENTS):
            hub.add_agent(f"soak-agent-{number}", ["de"], capacity=10)
        loop = asyncio.get_running_loop()
        until = loop.time() + SECONDS
        users = [SoakUser(number, hub) for number in range(USERS)]
        handed_off: asyncio.Queue = asyncio.Queue()
        agents = [asyncio.create_task(soak_agent(hub, f"soak-agent-{n}", until))
                  for n in range(AGENTS)]
        trend, sampled = MemoryTrend(hub.process.pid), asyncio.Event()
        sampling = loop.create_task(trend.sample_until(sampled))
        warm = loop.create_task(asyncio.sleep(WARM_UP_SECONDS))
        work = asyncio.gather(*(user.run(until, handed_off) for user in users),
                              hand_off_as_they_come(hub, handed_off, until))
        await warm
        memory_after_warm_up = resident_mib(hub.process.pid)
        await work
        replies = sum(await asyncio.gather(*agents))
        await quiet(hub)
        last_stored = [max((row[0] for row in hub.stored(user.conversation_id)), default=0)
                       for user in users]
        await asyncio.gather(*(user.catch_up(last) for user, last in zip(users, last_stored)))
        memory_at_end = resident_mib(hub.process.pid)
        sampled.set()
        await sampling
        if REPORT:
            report = {"seconds": SECONDS, "users": USERS, "agents": AGENTS,
                      "messages_sent": sum(user.sent for user in users),
                      "errors": {code: sum(user.errors.get(code, 0) for user in users)
                                 for code in sorted({c for user in users for c in user.errors})},
                      **trend.report(WARM_UP_SECONDS),
                      "mib_after_warm_up": round(memory_after_warm_up, 1),
                      "mib_at_end": round(memory_at_end, 1)}
            with open(REPORT, "w", encoding="utf-8") as out:
                json.dump(report, out, indent=1)

        assert hub.alive()
        assert sum(user.sent for user in users) > USERS * 2
        for user, last in zip(users, last_stored):
            stored = hub.stored(user.conversation_id)
            assert_acknowledged_kept(stored, user.acknowledged_in_sending_order()), user.number
            kept = {sender_client_id(row[3]): row[0] for row in stored if row[3] is not None}
            assert all(kept.get(client_id) == user.acknowledged[client_id]
                       for client_id in user.fate_unknown if client_id in user.acknowledged)
            assert user.duplicates == 0, user.number
            # Everything stored up to the catch-up's start was seen, and nothing seen was not
            # stored: the hub may store events of its own after the catch-up began (an agent's
            # grace running out puts the chat back in the queue), seen or not yet.
            stored_seqs = {row[0] for row in stored}
            assert user.seen <= stored_seqs, user.number
            assert {seq for seq in stored_seqs if seq <= last} <= user.seen, user.number
        with sqlite3.connect(hub.database) as db:
            owners = db.execute("SELECT owner, agent_id FROM conversations").fetchall()
        assert all((owner == "agent") == (agent_id is not None) for owner, agent_id in owners)
        assert all(owner in ("bot", "queue", "agent") for owner, _ in owners)
        if any(owner == "agent" for owner, _ in owners):
            assert replies > 0
        assert memory_at_end - memory_after_warm_up < GROWTH_LIMIT_MIB, (
            memory_after_warm_up, memory_at_end)
