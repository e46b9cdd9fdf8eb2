"""The queue's reads are shared within one moment of the loop, and never across a write."""
from __future__ import annotations

import asyncio
import sqlite3

from tests.handoff.test_group_commit import counting_selects, new_conversation, open_store


def test_one_moment_reads_once_and_a_write_or_the_next_moment_reads_again(tmp_path):
    repository, database, _ = open_store(tmp_path)
    first = new_conversation(repository, owner="queue")
    selects = counting_selects(repository)

    async def scenario():
        assert [c.id for c in repository.waiting()] == [first]
        repository.agents(), repository.held_counts(), repository.average_handle_seconds()
        read = len(selects)
        repository.waiting(), repository.agents(), repository.held_counts()
        repository.average_handle_seconds()
        assert len(selects) == read  # asked again in the same moment: shared
        second = new_conversation(repository, owner="queue")  # this hub writes: read anew
        assert {c.id for c in repository.waiting()} == {first, second}
        await asyncio.sleep(0)  # the loop goes round
        # Another process queues a chat: the next moment sees it.
        with sqlite3.connect(database) as other:
            other.execute("INSERT INTO conversations (id, resume_key_hash, language, owner, "
                          "created_at, last_seq, bot_failed, escalated, breached, "
                          "auto_escalation, rasa_resume_pending) SELECT 'c-other', 'x', 'ja', "
                          "'queue', created_at, 0, 0, 0, 0, 0, 0 FROM conversations WHERE id=?",
                          (first,))
        assert {c.id for c in repository.waiting()} == {first, second, "c-other"}
        appended = await repository.append_later(first, "message", "user", text="hi",
                                                 changes={"owner": "bot"})
        assert appended is not None
        assert {c.id for c in repository.waiting()} == {second, "c-other"}

    asyncio.run(scenario())
    # Outside the loop (a script, `bolt agents`): always the database.
    before = len(selects)
    repository.waiting(), repository.waiting()
    assert len(selects) == before + 2
    repository.close()


def test_held_counts_are_the_chats_each_agent_holds(tmp_path):
    repository, _, _ = open_store(tmp_path)
    anna, ben, _idle = (repository.add_agent(
        name=name, display_name=name, password_hash="x", languages="de", capacity=5,
        supervisor=False, status="online") for name in ("anna", "ben", "cleo"))
    for agent, chats in ((anna, 3), (ben, 1)):
        for _ in range(chats):
            repository.update(new_conversation(repository, owner="bot"),
                              owner="agent", agent_id=agent.id)
    new_conversation(repository, owner="queue")
    repository.update(new_conversation(repository, owner="bot"), agent_id=ben.id)  # resolved
    assert repository.held_counts() == {anna.id: 3, ben.id: 1}
    repository.close()
