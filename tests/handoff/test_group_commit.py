"""Group commit on a real SQLite file: appends waiting together are stored in one transaction,
each exactly once and in order, none answered before its commit; a failing transaction fails
every append that waited on it and stores nothing of them."""
from __future__ import annotations

import asyncio
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import List, Tuple

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from handoff.store.appends import (CONVERSATIONS_PER_UPDATE, EVENTS_PER_INSERT, OUT_OF_TURN,
                                   AppendRequest, Appended, ChangedElsewhere,
                                   _update_conversations, store)
from handoff.store.database import connect, migrate
from handoff.store.repository import Conflict, NotFound, Repository
from handoff.store.search.sqlite_index import add_search_function
from handoff.store.states import KnownStates


def open_store(tmp_path: Path) -> Tuple[Repository, Path, List[int]]:
    """A migrated SQLite store and a list that counts its commits."""
    database = tmp_path / "hub.sqlite3"
    engine = connect(f"sqlite:///{database}")
    migrate(engine)
    commits: List[int] = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))
    return Repository(engine), database, commits


def counting_selects(repository: Repository) -> List[str]:
    """The SELECTs the repository's engine runs from now on, as they run."""
    selects: List[str] = []
    event.listen(repository.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: selects.append(statement)
                 if statement.lstrip().upper().startswith("SELECT") else None)
    return selects


def new_conversation(repository: Repository, owner: str = "bot") -> str:
    conversation_id = f"c-{uuid.uuid4().hex}"
    repository.create_conversation(id=conversation_id, resume_key_hash="x", language="de",
                                   owner=owner)
    return conversation_id


def committed(database: Path, conversation_id: str, seq: int) -> bool:
    """Whether another connection (another process, a restarted hub) sees the event."""
    with sqlite3.connect(database) as other:
        return other.execute("SELECT count(*) FROM events WHERE conversation_id = ? AND seq = ?",
                             (conversation_id, seq)).fetchone()[0] == 1


async def test_concurrent_appends_are_stored_once_each_in_order_in_few_commits(tmp_path):
    repository, database, commits = open_store(tmp_path)
    conversations = [new_conversation(repository) for _ in range(5)]
    commits.clear()
    seen_before_answer: List[bool] = []

    def check_committed(appended: Appended) -> None:
        seen_before_answer.append(
            committed(database, appended.event.conversation_id, appended.event.seq))

    sends = [(conversations[n % 5], f"user:m{n}") for n in range(200)]
    sends += [(conversations[0], "user:m0"), (conversations[1], "user:m1")]  # resent
    results = await asyncio.gather(*(
        repository.append_later(cid, "message", "user", text=client_id, client_id=client_id,
                                then=check_committed)
        for cid, client_id in sends))
    results = [appended.as_tuple() for appended in results]

    assert len(commits) < 50  # they were grouped: far fewer commits than appends
    assert all(seen_before_answer) and len(seen_before_answer) == 202
    for conversation_id in conversations:
        mine = [(event, duplicate) for (event, duplicate, _), (cid, _) in zip(results, sends)
                if cid == conversation_id]
        new = [event for event, duplicate in mine if not duplicate]
        # Numbered in the order asked for, with no gap.
        assert [event.seq for event in new] == list(range(1, 41))
        assert [event.text for event in new] == [f"user:m{n}" for n in range(200)
                                                 if n % 5 == conversations.index(conversation_id)]
        stored = repository.events_after(conversation_id, 0, internal=True)
        assert [(e.seq, e.text) for e in stored] == [(e.seq, e.text) for e in new]
        assert repository.conversation(conversation_id).last_seq == 40
    resent = results[-2:]
    assert [(event.seq, duplicate) for event, duplicate, _ in resent] == [(1, True), (1, True)]


async def test_a_refused_append_is_refused_alone_and_the_others_of_its_group_are_stored(tmp_path):
    repository, _, _ = open_store(tmp_path)
    waiting = new_conversation(repository, owner="queue")
    other = new_conversation(repository)
    claims = [repository.append_later(waiting, "agent_joined", "system",
                                      expect={"owner": "queue", "agent_id": None},
                                      changes={"owner": "agent", "agent_id": agent_id})
              for agent_id in (None, None)]
    outcomes = await asyncio.gather(
        repository.append_later(other, "message", "user", text="before"),
        *claims,
        repository.append_later("c-nobody", "message", "user", text="lost"),
        repository.append_later(other, "message", "user", text="after"),
        return_exceptions=True)
    assert outcomes[1].conversation.owner == "agent"
    assert isinstance(outcomes[2], Conflict)  # the second claim found it taken
    assert isinstance(outcomes[3], NotFound)
    assert [e.text for e in repository.events_after(other, 0, internal=True)] == [
        "before", "after"]
    assert [e.seq for e in repository.events_after(waiting, 0, internal=True)] == [1]


@pytest.mark.parametrize("with_a_change", [False, True])  # SQLite's one INSERT; a transaction
async def test_an_append_the_driver_refuses_fails_alone_and_its_group_is_stored(tmp_path,
                                                                               with_a_change):
    """One bad value (here a lone surrogate, which no driver can encode) must not cost the other
    appends that happened to wait with it."""
    repository, _, _ = open_store(tmp_path)
    first, second = new_conversation(repository), new_conversation(repository)
    queued = new_conversation(repository, owner="queue")
    writing, go_on = threading.Event(), threading.Event()
    # The writer is kept busy while the appends queue up, so that they make one group.
    busy = threading.Thread(target=repository.writer.call,
                            args=(lambda: writing.set() or go_on.wait(),))
    busy.start()
    writing.wait()
    appends = [
        repository.append_later(first, "message", "user", text="before", client_id="user:b"),
        repository.append_later(second, "message", "user", text="bad \ud800", client_id="user:x"),
        repository.append_later(first, "message", "user", text="after", client_id="user:a"),
        repository.append_later(second, "message", "user", text="next", client_id="user:n"),
    ]
    if with_a_change:
        appends.append(repository.append_later(queued, "agent_joined", "system",
                                               expect={"owner": "queue", "agent_id": None},
                                               changes={"owner": "agent"}))
    go_on.set()
    outcomes = await asyncio.gather(*appends, return_exceptions=True)
    busy.join()
    assert isinstance(outcomes[1], UnicodeEncodeError)
    assert [o.seq for o in outcomes if isinstance(o, Appended)] == [1, 2, 1] + [1] * with_a_change
    assert [e.text for e in repository.events_after(first, 0, internal=True)] == ["before", "after"]
    assert [(e.seq, e.text) for e in repository.events_after(second, 0, internal=True)] == [(1, "next")]
    assert repository.conversation(second).last_seq == 1
    assert repository.conversation(queued).owner == ("agent" if with_a_change else "queue")
    repository.close()


async def test_a_failing_transaction_fails_every_waiting_append_and_stores_nothing(tmp_path):
    database = tmp_path / "hub.sqlite3"
    engine = connect(f"sqlite:///{database}")
    migrate(engine)
    engine.dispose()
    # The same database, giving up on a lock after 0.1 s instead of 5.
    impatient = create_engine(f"sqlite:///{database}", future=True, poolclass=QueuePool,
                              connect_args={"timeout": 0.1, "check_same_thread": False})
    event.listen(impatient, "connect", lambda dbapi, _record: add_search_function(dbapi))
    repository = Repository(impatient)
    conversations = [new_conversation(repository) for _ in range(3)]
    lock = sqlite3.connect(database, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        outcomes = await asyncio.gather(*(
            repository.append_later(cid, "message", "user", text=f"m{n}",
                                    client_id=f"user:m{n}")
            for n, cid in enumerate(conversations * 4)), return_exceptions=True)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert all(isinstance(outcome, OperationalError) for outcome in outcomes)
    assert "locked" in str(outcomes[0])
    with sqlite3.connect(database) as other:
        assert other.execute("SELECT count(*) FROM events").fetchone()[0] == 0
        assert {row[0] for row in other.execute("SELECT last_seq FROM conversations")} == {0}
    # The writer carries on: the same messages sent again are stored.
    stored = await repository.append_later(
        conversations[0], "message", "user", text="m0", client_id="user:m0")
    assert (stored.seq, stored.duplicate) == (1, False)
    repository.close()


async def test_a_blocking_write_on_the_loop_keeps_delivery_in_commit_order(tmp_path):
    repository, _, _ = open_store(tmp_path)
    conversation_id = new_conversation(repository)
    delivered: List[int] = []

    def deliver(appended: Appended) -> None:
        delivered.append(appended.seq)

    queued = [asyncio.ensure_future(repository.append_later(
        conversation_id, "message", "user", text=str(n), then=deliver)) for n in range(20)]
    await asyncio.sleep(0)  # they are queued on the writer
    event, _, _ = repository.append(conversation_id, "note", "agent", then=deliver)
    # The blocking append was committed after the 20 queued ones and delivered after them.
    assert event.seq == 21
    assert delivered == list(range(1, 22))
    await asyncio.gather(*queued)
    assert delivered == list(range(1, 22))


def test_writes_from_a_thread_without_a_loop_are_stored(tmp_path):
    repository, _, _ = open_store(tmp_path)
    conversation_id = new_conversation(repository)
    delivered: List[int] = []
    event, _, _ = repository.append(conversation_id, "message", "user", text="hi",
                                    then=lambda appended: delivered.append(appended.event.seq))
    assert event.seq == 1 and delivered == [1]
    with pytest.raises(NotFound):
        repository.append("c-nobody", "message", "user", text="lost")
    repository.close()
    # Closed, it starts again on the next write.
    assert repository.append(conversation_id, "message", "user", text="again")[0].seq == 2


async def test_a_client_id_is_a_duplicate_only_in_the_conversation_that_stored_it(tmp_path):
    repository, _, _ = open_store(tmp_path)
    first, second, third = (new_conversation(repository) for _ in range(3))
    original = await repository.append_later(first, "message", "user", text="hello",
                                             client_id="user:m1")
    outcomes = await asyncio.gather(*(
        repository.append_later(cid, "message", "user", text=text, client_id="user:m1")
        for cid, text in ((second, "b"), (first, "again"), (third, "c"), (second, "b again"))))
    assert [(o.seq, o.duplicate) for o in outcomes] == [(1, False), (1, True), (1, False),
                                                       (1, True)]
    # The answer to a resend is the event stored first, with its columns' types.
    assert outcomes[1].values == original.values
    assert outcomes[1].frame() == original.frame()
    assert [e.text for e in repository.events_after(second, 0, internal=True)] == ["b"]
    repository.close()


async def test_new_messages_are_stored_without_reading_the_client_ids_a_resend_is_read(tmp_path):
    repository, _, _ = open_store(tmp_path)
    conversation_id = new_conversation(repository)
    first = await repository.append_later(conversation_id, "message", "user", text="m0",
                                          client_id="user:m0")
    selects = counting_selects(repository)

    def send(*numbers: int):
        return asyncio.gather(*(repository.append_later(
            conversation_id, "message", "user", text=f"m{n}", client_id=f"user:m{n}")
            for n in numbers))

    new = await send(1, 2, 3)
    assert [(o.seq, o.duplicate) for o in new] == [(1 + n, False) for n in (1, 2, 3)]
    assert selects == []  # neither the conversation (known) nor the client ids
    # A resend among new messages: the group is stored again, looking for resends.
    mixed = await send(4, 0, 5, 4)
    assert [(o.seq, o.duplicate) for o in mixed] == [(5, False), (1, True), (6, False),
                                                    (5, True)]
    assert mixed[1].values == first.values
    assert any("client_id" in statement for statement in selects)
    stored = repository.events_after(conversation_id, 0, internal=True)
    assert [(e.seq, e.text) for e in stored] == [(n + 1, f"m{n}") for n in (0, 1, 2, 3, 4, 5)]
    repository.close()


async def test_a_group_of_messages_is_one_insert_committed_on_its_own(tmp_path):
    """No BEGIN, UPDATE or COMMIT of its own: SQLite numbers the events and moves `last_seq` on
    (migration 0002), and the one INSERT commits alone."""
    database = tmp_path / "hub.sqlite3"
    engine = connect(f"sqlite:///{database}")
    ran: List[str] = []  # every statement SQLite runs, as SQLite sees it
    event.listen(engine, "connect", lambda dbapi_connection, _record:
                 dbapi_connection.set_trace_callback(ran.append))
    migrate(engine)
    repository = Repository(engine)
    ids = [new_conversation(repository) for _ in range(3)]

    def send(text: str, to: List[str]):
        return asyncio.gather(*(repository.append_later(cid, "message", "user", text=text)
                                for cid in to))

    await send("first", ids)  # reads the new conversations once
    ran.clear()
    outcomes = await send("second", ids + ids[:1])
    assert [outcome.seq for outcome in outcomes] == [2, 2, 2, 3]
    assert {statement.split()[0] for statement in ran if not statement.startswith("--")} \
        == {"INSERT"}
    with sqlite3.connect(database) as other:  # committed: another connection sees it all
        assert dict(other.execute("SELECT id, last_seq FROM conversations")) \
            == {ids[0]: 3, ids[1]: 2, ids[2]: 2}
    assert all(committed(database, cid, 2) for cid in ids) and committed(database, ids[0], 3)
    repository.close()


def test_sqlite_refuses_an_event_out_of_turn_with_the_rest_of_its_statement(tmp_path):
    repository, database, _ = open_store(tmp_path)
    conversation_id = new_conversation(repository)
    repository.close()

    def insert(*seqs: int) -> str:
        return ("INSERT INTO events (conversation_id, seq, kind, speaker, agents_only, created_at)"
                " VALUES " + ", ".join(f"('{conversation_id}', {seq}, 'message', 'user', 0,"
                                       " '2026-12-02 00:00:00')" for seq in seqs))

    with sqlite3.connect(database, isolation_level=None) as other:
        add_search_function(other)  # as every connection of the hub's engine has it
        for out_of_turn in (insert(0), insert(2), insert(1, 3), insert(1, 1)):
            with pytest.raises(sqlite3.IntegrityError, match=OUT_OF_TURN):
                other.execute(out_of_turn)
        assert other.execute("SELECT count(*) FROM events").fetchone()[0] == 0
        other.execute(insert(1, 2))
        assert other.execute("SELECT last_seq FROM conversations").fetchone()[0] == 2


def test_a_group_numbered_from_a_stale_state_is_refused_whole(tmp_path):
    """What the conditional UPDATE does for PostgreSQL, SQLite's numbering does for a group
    committed on its own: one conversation moved on elsewhere, and none of the group is kept."""
    repository, database, _ = open_store(tmp_path)
    ids = [new_conversation(repository) for _ in range(3)]
    repository.close()
    known = KnownStates(enabled=True)
    messages = [AppendRequest(cid, "message", "user", text="hi") for cid in ids]
    with repository.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        store(connection, messages, known)
        known.keep()
        connection.exec_driver_sql("UPDATE conversations SET last_seq = 5 WHERE id = ?", (ids[1],))
        with pytest.raises(ChangedElsewhere):
            store(connection, messages, known)
        with sqlite3.connect(database) as other:
            assert other.execute("SELECT count(*) FROM events").fetchone()[0] == 3
        known.forget()
        assert [outcome.seq for outcome in store(connection, messages, known)] == [2, 6, 2]


def test_a_conversation_moved_on_since_it_was_read_refuses_the_whole_group(tmp_path):
    """PostgreSQL's guard (run here on SQLite's file): a conditional UPDATE of every
    conversation of the group, per chunk of conversations."""
    database = tmp_path / "hub.sqlite3"
    engine = connect(f"sqlite:///{database}")
    migrate(engine)
    repository = Repository(engine)
    ids = [new_conversation(repository) for _ in range(CONVERSATIONS_PER_UPDATE + 2)]
    repository.close()
    states = {cid: {"last_seq": 1} for cid in ids}
    stale = {cid: 0 for cid in ids}
    moved_on = ids[-1]  # in the second chunk: the first is updated before it fails
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE conversations SET last_seq = 5 WHERE id = ?",
                                   (moved_on,))
    with pytest.raises(ChangedElsewhere):
        with engine.begin() as connection:
            _update_conversations(connection, states, stale, {cid: {"last_seq"} for cid in ids})
    with sqlite3.connect(database) as other:
        assert sorted(row[0] for row in other.execute("SELECT last_seq FROM conversations")) \
            == [0] * (len(ids) - 1) + [5]  # rolled back: those that matched are not moved on
    with engine.begin() as connection:  # read afresh, the group goes through
        _update_conversations(connection, states, {**stale, moved_on: 5},
                              {cid: {"last_seq"} for cid in ids})
    with sqlite3.connect(database) as other:
        assert {row[0] for row in other.execute("SELECT last_seq FROM conversations")} == {1}


async def test_a_change_without_an_event_is_seen_by_the_next_append(tmp_path):
    """The states kept between groups are dropped by any other write and any failure."""
    repository, database, _ = open_store(tmp_path)
    conversation_id = new_conversation(repository)
    first = await repository.append_later(conversation_id, "message", "user", text="one")
    assert first.state["breached"] is False
    repository.update(conversation_id, breached=True)
    second = await repository.append_later(conversation_id, "message", "user", text="two")
    assert (second.seq, second.state["breached"]) == (2, True)
    # Another writer on the file (never the case with one hub) makes the kept state stale:
    # the conditional UPDATE notices, and the append is tried again on what is stored.
    with sqlite3.connect(database) as other:
        other.execute("UPDATE conversations SET last_seq = 10 WHERE id = ?", (conversation_id,))
    third = await repository.append_later(conversation_id, "message", "user", text="three")
    assert third.seq == 11
    repository.close()


def test_a_group_larger_than_one_statement_is_stored_whole_with_its_columns_typed(tmp_path):
    """Events go in as multi-row INSERTs, in one transaction: a group spanning several of them
    keeps every value, read back by the ORM as it would have stored it (JSON, dates, booleans),
    and every conversation's `last_seq`."""
    repository, database, _ = open_store(tmp_path)
    ids = [new_conversation(repository) for _ in range(CONVERSATIONS_PER_UPDATE + 3)]
    requests = [AppendRequest(cid, "message", "user", text=f"hello {n}", client_id=f"user:m{n}",
                              data={"n": n, "ü": [1.5, None]} if n % 2 else None,
                              agents_only=n % 3 == 0)
                for n, cid in enumerate(ids + ids[:EVENTS_PER_INSERT])]
    assert len(requests) > 2 * EVENTS_PER_INSERT
    with repository.engine.begin() as connection:
        outcomes = store(connection, requests)
    assert all(isinstance(outcome, Appended) for outcome in outcomes)
    for n, (request, outcome) in enumerate(zip(requests, outcomes)):
        event = repository.events_after(request.conversation_id, outcome.seq - 1, internal=True)[0]
        assert (event.seq, event.text, event.client_id) == (outcome.seq, f"hello {n}", f"user:m{n}")
        assert event.data == ({"n": n, "ü": [1.5, None]} if n % 2 else None)
        assert event.agents_only is (n % 3 == 0)
        assert event.created_at == outcome.values["created_at"]
    with sqlite3.connect(database) as other:
        seqs = dict(other.execute("SELECT id, last_seq FROM conversations").fetchall())
    assert seqs == {cid: 2 if index < EVENTS_PER_INSERT else 1 for index, cid in enumerate(ids)}
    repository.close()
