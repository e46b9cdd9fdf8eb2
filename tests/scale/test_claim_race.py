"""Two agents claim one waiting chat at the same moment, a thousand times: exactly one wins.

First at the database (two engines, two connection pools, on SQLite and PostgreSQL, through the
hub's own conditional change), then over real sockets to two hub processes sharing PostgreSQL and
Redis, checked from both sockets and from the database.
"""
from __future__ import annotations

import asyncio
import json
import threading
import uuid
from typing import Any, Dict, List, Optional

import aiohttp
import pytest
from sqlalchemy import select

from handoff.services.agents import add_agent, open_repository
from handoff.store.database import connect
from handoff.store.repository import Conflict, Repository
from handoff.store.schema import Conversation, Event
from support import services
from support.client import Client
from support.fake_rasa import FakeRasa
from support.hub import handoff_body
from support.tokens import PASSWORD, SERVICE_TOKEN

ROUNDS = 1000
SLOW_TICK = {"BOLT_HUB_TICK_SECONDS": "1", "BOLT_HUB_PRESENCE_SECONDS": "5"}
TEST_TIMEOUT = 240  # seconds, for the race over sockets (tests/scale/conftest.py)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hub.sqlite3'}"
        return
    if services.postgres_url() is None:
        pytest.skip("needs PostgreSQL: run inside scripts/with-scale-services")
    with services.fresh_postgres_database(services.postgres_url()) as url:
        yield url


def claim(repository: Repository, conversation_id: str, agent_id: int) -> bool:
    """What Desk.take does through Timeline.move: agent_joined, if the queue still holds it."""
    try:
        repository.append(conversation_id, "agent_joined", "system",
                          expect={"owner": "queue", "agent_id": None},
                          changes={"owner": "agent", "agent_id": agent_id})
    except Conflict:
        return False
    return True


def test_exactly_one_of_two_simultaneous_claims_wins_every_time(database_url):
    first = open_repository(database_url)
    anna = add_agent(first, "anna", ["de"], ROUNDS, PASSWORD)
    bruno = add_agent(first, "bruno", ["de"], ROUNDS, PASSWORD)
    conversations = [f"c-{uuid.uuid4().hex}" for _ in range(ROUNDS)]
    for conversation_id in conversations:
        first.create_conversation(id=conversation_id, resume_key_hash="x", language="de",
                                  owner="queue")
    won: Dict[int, List[Optional[bool]]] = {anna.id: [None] * ROUNDS, bruno.id: [None] * ROUNDS}
    start_together = threading.Barrier(2, timeout=30)
    failures: List[BaseException] = []

    def hub(agent_id: int) -> None:
        try:
            repository = Repository(connect(database_url))  # its own engine, as a hub has
            for number, conversation_id in enumerate(conversations):
                start_together.wait()
                won[agent_id][number] = claim(repository, conversation_id, agent_id)
        except BaseException as error:  # reported below rather than lost in the thread
            failures.append(error)
            start_together.abort()

    threads = [threading.Thread(target=hub, args=(anna.id,)),
               threading.Thread(target=hub, args=(bruno.id,))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    for number, conversation_id in enumerate(conversations):
        winners = [agent for agent in (anna.id, bruno.id) if won[agent][number]]
        assert len(winners) == 1, conversation_id
        stored = first.conversation(conversation_id)
        assert (stored.owner, stored.agent_id, stored.last_seq) == ("agent", winners[0], 1)
        assert [e.seq for e in first.events_after(conversation_id, 0, internal=True)] == [1]
    # Both hubs won some: the claims really did meet.
    assert sum(won[anna.id]) > 0 and sum(won[bruno.id]) > 0


# --- the same race over real sockets: two agents on two hub processes ----------------------------

async def test_two_agents_on_two_hubs_claim_the_same_chat_at_once_a_thousand_times(
        hub_processes, shared_database):
    repository = open_repository(shared_database)
    # Room for every chat, so that no round waits for a chat to be released.
    add_agent(repository, "anna", ["de"], ROUNDS, PASSWORD, display_name="Anna")
    add_agent(repository, "bruno", ["de"], ROUNDS, PASSWORD, display_name="Bruno")
    conversations = [f"c-race-{number:04d}-{uuid.uuid4().hex[:8]}" for number in range(ROUNDS)]
    for conversation_id in conversations:  # what a hub stores at a signed-in user's hello
        repository.create_conversation(id=conversation_id, resume_key_hash="x", user_id="u-42",
                                       account_id="acme", language="de", locale="de-DE")
    rasa = FakeRasa()  # the bot is never asked: every chat goes straight to the queue
    await rasa.start()
    try:
        # Deadlines and presence are not what is raced: the queue's tick can be slow here.
        hubs = [await hub_processes(rasa.url, **SLOW_TICK),
                await hub_processes(rasa.url, **SLOW_TICK)]
        anna = AgentSocket("Anna", await hubs[0].agent("anna"))
        bruno = AgentSocket("Bruno", await hubs[1].agent("bruno"))
        told: Dict[str, str] = {}  # the winner of each round, as the sockets said at once
        async with aiohttp.ClientSession() as api:

            async def hand_off(number: int) -> None:
                # The load balancer sends the handoffs to either hub.
                async with api.post(hubs[number % 2].url + "/api/handoffs",
                                    json=handoff_body(conversations[number]),
                                    headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}) as queued:
                    assert queued.status == 201, await queued.text()

            queueing = asyncio.ensure_future(hand_off(0))
            for number, conversation_id in enumerate(conversations):
                await queueing
                await asyncio.gather(anna.claim(conversation_id), bruno.claim(conversation_id))
                # The next chat is queued while the agents race for this one (sent after both
                # claims, so that it does not hold either claim back).
                if number + 1 < ROUNDS:
                    queueing = asyncio.ensure_future(hand_off(number + 1))
                outcomes = await asyncio.gather(anna.outcome(conversation_id),
                                                bruno.outcome(conversation_id))
                assert sorted(outcomes) == [False, True], (conversation_id, outcomes)
                told[conversation_id] = anna.name if outcomes[0] else bruno.name
        await anna.drain()
        await bruno.drain()
        await anna.client.close()
        await bruno.client.close()
    finally:
        await rasa.stop()

    # Over the whole run (late frames included) each chat was assigned once, on one socket: the
    # winner's.
    winners: Dict[str, str] = {}
    for agent in (anna, bruno):
        for conversation_id in agent.assigned():
            assert conversation_id not in winners, conversation_id
            winners[conversation_id] = agent.name
    assert winners == told
    # The database agrees: one owner, one agent_joined event, naming the socket's winner.
    names = {agent.id: agent.display_name for agent in repository.agents()}
    with repository.sessions() as session:
        owners = {c.id: (c.owner, names.get(c.agent_id)) for c in session.execute(
            select(Conversation).where(Conversation.id.in_(conversations))).scalars()}
        kinds: Dict[str, List[str]] = {}
        for conversation_id, kind in session.execute(
                select(Event.conversation_id, Event.kind)
                .where(Event.conversation_id.in_(conversations)).order_by(Event.seq)):
            kinds.setdefault(conversation_id, []).append(kind)
    assert owners == {c: ("agent", winners[c]) for c in conversations}
    assert kinds == {c: ["queued", "agent_joined"] for c in conversations}
    # The claims really met: both hubs won some.
    won = list(winners.values())
    assert won.count("Anna") > 0 and won.count("Bruno") > 0


class AgentSocket:
    """One agent's console socket in the race: claims, and reads what the hub answers."""

    RACE_ERRORS = ("conflict", "not_waiting")  # the other agent's claim was committed first

    def __init__(self, name: str, client: Client):
        self.name = name
        self.client = client
        self.frames: List[Dict[str, Any]] = list(client.pending)

    async def claim(self, conversation_id: str) -> None:
        await self.client.send(type="claim", conversation_id=conversation_id)

    async def outcome(self, conversation_id: str) -> bool:
        """True when the hub assigns the chat to this agent, False when it refuses the claim."""
        while True:
            frame = await self._next(timeout=10)
            if frame["type"] == "error":
                assert frame["code"] in self.RACE_ERRORS, frame
                return False
            if (frame["type"] == "assigned"
                    and frame["conversation"]["conversation_id"] == conversation_id):
                return True

    async def drain(self, quiet_seconds: float = 0.5) -> None:
        """Reads whatever the hubs still send (a late second `assigned` would show here)."""
        while True:
            try:
                await self._next(timeout=quiet_seconds)
            except asyncio.TimeoutError:
                return

    def assigned(self) -> List[str]:
        return [f["conversation"]["conversation_id"] for f in self.frames
                if f["type"] == "assigned"]

    async def _next(self, timeout: float) -> Dict[str, Any]:
        frame = json.loads(await asyncio.wait_for(self.client.ws.recv(), timeout))
        self.frames.append(frame)
        return frame
