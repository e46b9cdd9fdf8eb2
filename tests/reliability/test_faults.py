"""Faults: after each, every acknowledged message is stored once, in order, and every
conversation has one owner. The hub is a real process; SIGKILL is SIGKILL."""
from __future__ import annotations

import asyncio
import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator

import websockets

from support.client import Client
from support.hub import MANY_SENDERS
from support.hub_process import HubProcess
from support.tokens import user_token
from tests.reliability.checks import assert_acknowledged_kept, sender_client_id


@contextmanager
def locked(database: Path) -> Iterator[None]:
    """Another process's write lock on the hub's SQLite file, held while the block runs."""
    locker = sqlite3.connect(database, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        locker.execute("COMMIT")
        locker.close()


async def collect_acks(client: Client, acknowledged: Dict[str, int], seconds: float) -> None:
    """Reads whatever arrives for `seconds`, noting every ack; a dropped socket just ends it."""
    try:
        while True:
            frame = await asyncio.wait_for(client.ws.recv(), seconds)
            decoded = json.loads(frame)
            client.received.append(decoded)
            if decoded.get("type") == "ack":
                acknowledged[decoded["client_id"]] = decoded["seq"]
    except (asyncio.TimeoutError, websockets.ConnectionClosed):
        return


async def chat_with_agent(hub: HubProcess, user_id: str) -> tuple:
    agent = await hub.agent("anna")
    user = await hub.user(token=user_token(user_id, "acme"))
    conversation_id = user.welcome["conversation_id"]
    status, _ = await hub.hand_off(conversation_id)
    assert status == 201
    await agent.expect("offer")
    await agent.send(type="accept", conversation_id=conversation_id)
    await agent.expect("assigned")
    return agent, user, conversation_id


async def test_the_hub_killed_mid_chat_loses_no_acknowledged_message(hub_process):
    async with hub_process(BOLT_HUB_AGENT_GRACE_SECONDS="30", **MANY_SENDERS) as (hub, rasa):
        hub.add_agent("anna", ["de"])
        agent, user, conversation_id = await chat_with_agent(hub, "u-kill")
        session = agent.welcome["session"]
        acknowledged: Dict[str, int] = {}
        texts = [f"m{index}" for index in range(40)]
        for client_id in texts:
            await user.send(type="message", client_id=client_id, text=f"Nachricht {client_id}")
        await asyncio.sleep(0.05)  # some are stored and acknowledged, the rest are in flight
        hub.kill()
        await collect_acks(user, acknowledged, 0.5)
        assert not hub.alive()

        await hub.start()
        back = await hub.user(token=user_token("u-kill", "acme"), conversation_id=conversation_id)
        assert back.welcome["owner"] == "agent"
        for client_id in texts:  # the widget resends what it has no ack for, and may resend more
            await back.send(type="message", client_id=client_id, text=f"Nachricht {client_id}")
        for client_id in texts:
            ack = await back.expect("ack", timeout=10, client_id=client_id)
            if client_id in acknowledged:
                assert ack == {"type": "ack", "client_id": client_id,
                               "seq": acknowledged[client_id], "duplicate": True}
            acknowledged[client_id] = ack["seq"]
        stored = hub.stored(conversation_id)
        assert_acknowledged_kept(stored, acknowledged)
        assert [sender_client_id(row[3]) for row in stored if row[1] == "user"] == texts

        anna = await Client.connect(hub.ws_url + "/ws/agent")
        await anna.send(type="login", session=session)
        welcome = await anna.expect("welcome")
        assert [chat["conversation_id"] for chat in welcome["chats"]] == [conversation_id]
        owner, agent_id = hub.owner(conversation_id)
        assert owner == "agent" and agent_id is not None
        for client in (back, anna):
            await client.close()


async def test_rasa_killed_mid_conversation_then_back(hub_process):
    async with hub_process(**MANY_SENDERS) as (hub, rasa):
        user = await hub.user(token=user_token("u-rasa", "acme"))
        conversation_id = user.welcome["conversation_id"]
        acknowledged: Dict[str, int] = {}
        await user.send(type="message", client_id="before", text="Hallo")
        acknowledged["before"] = (await user.expect("ack", client_id="before"))["seq"]
        await user.event(speaker="bot", text="bot: Hallo")

        await rasa.stop()
        await user.send(type="message", client_id="during", text="Bist du da?")
        acknowledged["during"] = (await user.expect("ack", client_id="during"))["seq"]
        unavailable = await user.event(kind="bot_unavailable", timeout=10)
        assert "agent" in unavailable["options"] or "ticket" in unavailable["options"]

        await rasa.start()
        await user.send(type="message", client_id="after", text="Wieder da?")
        acknowledged["after"] = (await user.expect("ack", client_id="after"))["seq"]
        await user.event(speaker="bot", timeout=10, text="bot: Wieder da?")
        assert_acknowledged_kept(hub.stored(conversation_id), acknowledged)
        assert hub.owner(conversation_id) == ("bot", None)
        await user.close()


async def test_a_briefly_locked_database_delays_but_loses_nothing(hub_process):
    async with hub_process(**MANY_SENDERS) as (hub, rasa):
        user = await hub.user()
        conversation_id = user.welcome["conversation_id"]
        with locked(hub.database):
            for index in range(5):
                await user.send(type="message", client_id=f"l{index}", text=f"locked {index}")
            await asyncio.sleep(1.5)
        acknowledged = {}
        for index in range(5):
            acknowledged[f"l{index}"] = (await user.expect("ack", timeout=15,
                                                           client_id=f"l{index}"))["seq"]
        await user.send(type="ping")
        await user.expect("pong")
        await asyncio.sleep(0.5)
        assert_acknowledged_kept(hub.stored(conversation_id), acknowledged)
        await user.close()


async def test_an_unreachable_database_refuses_the_frame_and_the_socket_stays(hub_process):
    """Locked past SQLite's busy timeout (5 s): the message is refused, not half-stored."""
    async with hub_process(**MANY_SENDERS) as (hub, rasa):
        user = await hub.user()
        conversation_id = user.welcome["conversation_id"]
        with locked(hub.database):
            await user.send(type="message", client_id="lost", text="niemand hört")
            error = await user.expect("error", timeout=20)
            assert error["code"] == "unavailable" and error["ref"] == "lost"
        assert hub.stored(conversation_id) == []
        await user.send(type="message", client_id="lost", text="niemand hört")
        ack = await user.expect("ack", timeout=10, client_id="lost")
        assert ack["duplicate"] is False
        assert_acknowledged_kept(hub.stored(conversation_id), {"lost": ack["seq"]})
        await user.close()


async def test_an_agent_whose_network_drops_goes_back_to_the_queue_with_one_owner(hub_process):
    async with hub_process(BOLT_HUB_AGENT_GRACE_SECONDS="1", **MANY_SENDERS) as (hub, rasa):
        hub.add_agent("anna", ["de"])
        hub.add_agent("ben", ["de"])
        agent, user, conversation_id = await chat_with_agent(hub, "u-drop")
        await agent.send(type="message", conversation_id=conversation_id, client_id="a1",
                         text="Ich bin da.")
        acknowledged = {"a1": (await agent.expect("ack", client_id="a1"))["seq"]}
        agent.ws.transport.abort()  # no close frame: the cable is pulled
        requeued = await user.event(kind="requeued", timeout=10)
        assert requeued["reason"] == "agent_dropped"
        assert hub.owner(conversation_id) == ("queue", None)

        ben = await hub.agent("ben")
        await ben.expect("offer", timeout=10)
        await ben.send(type="accept", conversation_id=conversation_id)
        await ben.expect("assigned")
        await user.send(type="message", client_id="u1", text="Hallo Ben")
        acknowledged["u1"] = (await user.expect("ack", client_id="u1"))["seq"]
        assert_acknowledged_kept(hub.stored(conversation_id), acknowledged)
        owner, agent_id = hub.owner(conversation_id)
        assert owner == "agent"
        anna_again = await hub.agent("anna")
        assert anna_again.welcome["chats"] == []
        for client in (user, ben, anna_again):
            await client.close()
