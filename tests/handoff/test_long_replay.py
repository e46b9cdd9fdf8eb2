"""A conversation of 10,000 events opened again from its start by a client that reads slowly:
the hub sends the replay as fast as the client reads (handoff/wire/connection.py), never
cutting it off, and what happens meanwhile follows the replay, once, in order."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List

import websockets

from support.tokens import PASSWORD, user_token

EVENTS = 10_000


async def long_conversation(hub: Any, token: str) -> str:
    user = await hub.user(token=token)
    conversation_id = user.welcome["conversation_id"]
    await user.close()
    repository = hub.core.repository
    for start in range(0, EVENTS, 1000):  # 1,000 at a time: the writer commits them in groups
        await asyncio.gather(*(repository.append_later(
            conversation_id, "message", "bot", text=f"Antwort {n} " + "x" * 60)
            for n in range(start, start + 1000)))
    return conversation_id


async def read_slowly(ws: Any, count: int) -> List[Dict[str, Any]]:
    """`count` frames, read with a pause every 500 (the hub's writes wait for TCP meanwhile)."""
    frames = []
    while len(frames) < count:
        frames.append(json.loads(await asyncio.wait_for(ws.recv(), 30)))
        if len(frames) % 500 == 0:
            await asyncio.sleep(0.1)
    return frames


async def test_a_slow_client_reads_a_conversation_of_10000_events_from_its_start(bolt):
    async with bolt() as (hub, rasa):
        token = user_token()
        conversation_id = await long_conversation(hub, token)
        async with websockets.connect(hub.ws_url + "/ws/chat", max_queue=4,
                                      read_limit=2 ** 12) as ws:
            await ws.send(json.dumps({"type": "hello", "token": token, "locale": "de-DE",
                                      "conversation_id": conversation_id, "last_seq": 0}))
            await asyncio.sleep(1.5)  # reads nothing: the socket's buffers fill up
            first = await read_slowly(ws, 101)
            # Said while the replay is on its way: its ack and events come after the replay.
            await ws.send(json.dumps({"type": "message", "client_id": "live", "text": "Noch da?"}))
            rest = await read_slowly(ws, EVENTS - 100 + 3)
        frames = first + rest
        assert frames[0]["type"] == "welcome"
        replayed = frames[1:EVENTS + 1]
        assert [f["seq"] for f in replayed] == list(range(1, EVENTS + 1))
        assert all(f["type"] == "event" for f in replayed)
        after = frames[EVENTS + 1:]
        assert [f["type"] for f in after] == ["event", "ack", "event"]
        assert after[0]["seq"] == EVENTS + 1 and after[0]["client_id"] == "live"
        assert after[1] == {"type": "ack", "client_id": "live", "seq": EVENTS + 1,
                            "duplicate": False}
        assert after[2]["seq"] == EVENTS + 2 and after[2]["text"] == "bot: Noch da?"


async def test_an_agent_reads_the_history_of_10000_events_in_pages(bolt, agents):
    agents("anna", ["de"], supervisor=True)  # a supervisor may read any conversation
    async with bolt() as (hub, rasa):
        conversation_id = await long_conversation(hub, user_token())
        async with websockets.connect(hub.ws_url + "/ws/agent", max_queue=2,
                                      read_limit=2 ** 12, max_size=2 ** 22) as ws:
            await ws.send(json.dumps({"type": "login", "name": "anna", "password": PASSWORD}))
            await ws.send(json.dumps({"type": "history", "conversation_id": conversation_id}))
            await asyncio.sleep(1.5)
            pages = []
            while not pages or pages[-1]["more"]:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if frame["type"] == "history":
                    pages.append(frame)
                    await asyncio.sleep(0.05)
        seqs = [e["seq"] for page in pages for e in page["events"]]
        assert seqs == list(range(1, EVENTS + 1))
        assert len(pages) == 20 and all(len(p["events"]) == 500 for p in pages[:-1])
        assert all(p["conversation"]["conversation_id"] == conversation_id for p in pages)
