"""A thousand times, two hubs (two engines, two connection pools) claim one waiting chat at the
same moment through the hub's own conditional change: exactly one wins each time."""
from __future__ import annotations

import threading
import uuid
from typing import Dict, List, Optional

import pytest

from handoff.agents_cli import add_agent, open_repository
from handoff.store.database import connect
from handoff.store.repository import Conflict, Repository
from tests.handoff.conftest import PASSWORD
from tests.support import services

ROUNDS = 1000


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
    """What Desk.take does through Hub.move: agent_joined, if the queue still holds it."""
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
