"""Storing a group of events in one transaction, in SQLAlchemy Core (the ORM cost more CPU than
the commit did): one read of the conversations involved, one read of the client ids already
stored (left out first by the hub's writer), a conditional UPDATE of the conversations and one
multi-row INSERT of the events.

The statements are few and go to the driver as SQL text with prepared parameter tuples:
building and compiling a Core expression per group cost more CPU than SQLite took to run it,
and every statement the driver runs lets go of the GIL and waits to get it back from a busy
event loop (handoff/store/writer.py). On PostgreSQL a group of messages is one UPDATE and one
INSERT (per chunk of rows), whatever its size, and the INSERT of their search rows
(handoff/store/search/). On SQLite the database numbers the events
and moves `last_seq` on itself (migration 0002) and its trigger fills the search index
(migration 0005): a group of messages is the INSERT alone, and the UPDATE is left for the
conversations' other columns.

The per-conversation rules are those of one append at a time: events are numbered by the
conversation's `last_seq`, a client id already stored is answered with its stored event, and
`expect` names columns that must still hold the given values. An append that breaks a rule is
refused alone (Conflict, NotFound) and the others are stored; the refused one changes nothing.
A user's message carries its hub's claim on the conversation's bot-turn lease
(handoff/rules/bot_backlog.py): taken with the message while the bot holds the conversation and
no other hub's lease runs, so that the hub asking Rasa needs no write of its own for it; and the
message, said to the bot, moves `bot_said_seq` on, which tells whether an earlier one is still
owed. A group of messages with such claims still commits as the one INSERT where it changes no
column (SQLite): where it does, the claim's UPDATE may commit without the message if the hub
dies in between, which costs nothing but the lease's time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, List, Mapping, Optional, Set, Tuple, Union

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import IntegrityError

from handoff.rules.bot_backlog import may_ask
from handoff.store.errors import Conflict, NotFound
from handoff.store.schema import Conversation, Event, event_frame, utcnow
from handoff.store.search.postgres_index import index_events
from handoff.store.states import KnownStates

CONVERSATIONS = Conversation.__table__
EVENTS = Event.__table__
READ_CONVERSATIONS = select(CONVERSATIONS).where(
    CONVERSATIONS.c.id.in_(bindparam("ids", expanding=True))).order_by(CONVERSATIONS.c.id)
READ_CONVERSATIONS_LOCKED = READ_CONVERSATIONS.with_for_update()
READ_EVENTS = select(EVENTS).where(EVENTS.c.id.in_(bindparam("ids", expanding=True)))


# A hub's claim on a conversation's bot-turn lease: its token, now, and the lease's end.
LeaseClaim = Tuple[str, datetime, datetime]


@dataclass(frozen=True)
class AppendRequest:
    """The next event of a conversation, with the conversation's changes that go with it."""

    conversation_id: str
    kind: str
    speaker: str
    text: Optional[str] = None
    data: Optional[Dict[str, Any]] = None
    client_id: Optional[str] = None
    agent_name: Optional[str] = None
    agents_only: bool = False
    expect: Optional[Mapping[str, Any]] = None
    changes: Optional[Mapping[str, Any]] = None
    lease: Optional[LeaseClaim] = None


class Appended:
    """One append's outcome, kept as the columns stored: the ORM objects are made only when
    asked for (building them cost more than the rest of the group's work)."""

    __slots__ = ("values", "duplicate", "state", "alone", "_event", "_conversation")

    def __init__(self, values: Dict[str, Any], duplicate: bool, state: Dict[str, Any],
                 alone: bool = False):
        self.values = values  # the event's columns
        self.duplicate = duplicate  # already stored under the same client id: nothing changed
        self.state = state  # the conversation's columns after this event
        # A user's message to the bot with no earlier one owed (every one before it taken).
        self.alone = alone
        self._event: Optional[Event] = None
        self._conversation: Optional[Conversation] = None

    @property
    def seq(self) -> int:
        return self.values["seq"]

    def frame(self) -> Dict[str, Any]:
        return event_frame(self.values)

    @property
    def event(self) -> Event:
        if self._event is None:
            self._event = Event(**self.values)
        return self._event

    @property
    def conversation(self) -> Conversation:
        if self._conversation is None:
            self._conversation = Conversation(**self.state)
        return self._conversation

    def as_tuple(self) -> Tuple[Event, bool, Conversation]:
        return self.event, self.duplicate, self.conversation


Outcome = Union[Appended, Exception]


class ChangedElsewhere(Exception):
    """A conversation of the group changed in another transaction (another hub) after it was
    read: the group is rolled back and each of its appends is tried again alone."""


def store(connection: Connection, requests: List[AppendRequest],
          known: Optional[KnownStates] = None, look_for_resends: bool = True) -> List[Outcome]:
    """Stores the appends in the connection's transaction; one outcome per request, in order.
    Raises ChangedElsewhere (nothing may be committed then). The conversations' states come
    from `known` where it has them, and the new ones are staged there.

    `look_for_resends=False` leaves out the read of the client ids already stored: a resent
    message then breaks the events' unique client ids, and the INSERT raises IntegrityError (the
    caller rolls back and stores the group again, looking). Resends come only after reconnects,
    and that read was a third of a group's time on the writer thread."""
    ids = sorted({request.conversation_id for request in requests})
    states = known.known(ids) if known is not None else {}
    unread = [cid for cid in ids if cid not in states]
    if unread:
        # Sorted and locked together (PostgreSQL): two hubs' groups never wait for each other
        # in opposite orders. SQLite takes no lock on a read: the conditional UPDATE guards it.
        query = (READ_CONVERSATIONS_LOCKED if connection.dialect.name == "postgresql"
                 else READ_CONVERSATIONS)
        states.update((row.id, dict(row._mapping))
                      for row in connection.execute(query, {"ids": unread}))
    read_seq = {cid: state["last_seq"] for cid, state in states.items()}
    changed_columns: Dict[str, Set[str]] = {}
    stored = _stored_events(connection, requests) if look_for_resends else {}
    outcomes: List[Outcome] = []
    rows: List[Dict[str, Any]] = []
    for request in requests:
        state = states.get(request.conversation_id)
        if state is None:
            outcomes.append(NotFound(request.conversation_id))
            continue
        key = (request.conversation_id, request.client_id)
        if request.client_id is not None and key in stored:
            outcomes.append(Appended(stored[key], True, dict(state)))
            continue
        refusal = _refusal(state, request.expect)
        if refusal is not None:
            outcomes.append(Conflict(refusal))
            continue
        changes = {**(request.changes or {}), **_lease_changes(state, request.lease)}
        state["last_seq"] += 1
        alone = False
        if request.lease is not None and state["owner"] == "bot":  # said to the bot
            alone = state["bot_said_seq"] <= state["bot_turn_seq"]
            changes["bot_said_seq"] = state["last_seq"]
        state.update(changes)
        changed_columns.setdefault(request.conversation_id, {"last_seq"}).update(changes)
        row = {
            "conversation_id": request.conversation_id, "seq": state["last_seq"],
            "kind": request.kind, "speaker": request.speaker, "text": request.text,
            "data": request.data or None, "client_id": request.client_id,
            "agent_name": request.agent_name, "agents_only": request.agents_only,
            "created_at": utcnow(),
        }
        rows.append(row)
        if request.client_id is not None:
            stored[key] = row
        outcomes.append(Appended(row, False, dict(state), alone))
    if numbered_by_the_database(connection.dialect):
        changed_columns = {cid: columns - SEQ_ONLY for cid, columns in changed_columns.items()
                           if columns != SEQ_ONLY}
    _update_conversations(connection, states, read_seq, changed_columns)
    if rows:
        try:
            _insert_events(connection, rows)
        except IntegrityError as error:
            if OUT_OF_TURN in str(error.orig):
                raise ChangedElsewhere() from error
            raise
        if connection.dialect.name == "postgresql":  # SQLite's trigger indexes them itself
            index_events(connection, rows)
    if known is not None:
        known.stage(states)
    return outcomes


def numbered_by_the_database(dialect: Dialect) -> bool:
    """SQLite checks each event's number and moves `last_seq` on itself (migration 0002): the
    group's UPDATE then changes only the conversations' other columns, and a group of messages
    is the one INSERT."""
    return dialect.name == "sqlite"


def one_write(dialect: Dialect, requests: List[AppendRequest]) -> bool:
    """Whether `store` writes these appends in one statement, the INSERT (SQLite's messages:
    nothing of their conversations changes but `last_seq`, which the database moves on, and the
    bot-turn columns a message to the bot moves on before it), so that the statement can
    commit on its own; what it reads before is guarded by that number."""
    return (numbered_by_the_database(dialect) and len(requests) <= EVENTS_PER_INSERT
            and not any(request.changes for request in requests))


def _lease_changes(state: Mapping[str, Any], lease: Optional[LeaseClaim]) -> Dict[str, Any]:
    """The lease's columns, when the claim takes the lease or needs it to run longer."""
    if lease is None or state["owner"] != "bot":
        return {}
    token, now, until = lease
    if not may_ask(state["bot_turn_by"], state["bot_turn_until"], token, now):
        return {}
    if state["bot_turn_by"] == token and state["bot_turn_until"] is not None and (
            state["bot_turn_until"] - now) * 2 >= until - now:
        return {}  # this hub's, and more than half of it still to run
    return {"bot_turn_by": token, "bot_turn_until": until}


def _refusal(state: Mapping[str, Any], expect: Optional[Mapping[str, Any]]) -> Optional[str]:
    for column, value in (expect or {}).items():
        if state[column] != value:
            return f"{column} is {state[column]!r}, not {value!r}"
    return None


def _stored_events(connection: Connection, requests: List[AppendRequest]
                   ) -> Dict[Tuple[str, Optional[str]], Dict[str, Any]]:
    """(conversation id, client id) -> the event already stored under it, for the group's ids."""
    wanted = sorted({(r.conversation_id, r.client_id) for r in requests if r.client_id is not None})
    if not wanted:
        return {}
    # The exact pairs: client ids repeat across conversations (every user's first message may
    # be "m1"), so two separate INs would read back every such event of the group's chats.
    # One indexed lookup per pair (SQLite scans the table for a row-value IN). Only the ids are
    # read here; the rare resent message's event is then read with its columns' types.
    mark = _placeholder(connection)
    sql = ("SELECT id FROM events WHERE "
           + " OR ".join([f"(conversation_id = {mark} AND client_id = {mark})"] * len(wanted)))
    parameters = tuple(value for pair in wanted for value in pair)
    ids = [row[0] for row in connection.exec_driver_sql(sql, parameters)]
    found: Dict[Tuple[str, Optional[str]], Dict[str, Any]] = {}
    if ids:
        for row in connection.execute(READ_EVENTS, {"ids": ids}):
            values = dict(row._mapping)
            values.pop("id", None)
            found[(row.conversation_id, row.client_id)] = values
    return found


def _placeholder(connection: Connection) -> str:
    """The driver's mark for a positional parameter (SQLite: ?, psycopg2: %s)."""
    return "?" if connection.dialect.paramstyle in ("qmark", "numeric") else "%s"


def _update_conversations(connection: Connection, states: Mapping[str, Dict[str, Any]],
                          read_seq: Mapping[str, int],
                          changed_columns: Mapping[str, Set[str]]) -> None:
    """`UPDATE ... WHERE id = :id AND last_seq = :read` for every conversation that got events:
    if another transaction moved one on since it was read, none of this group may be kept."""
    by_columns: Dict[frozenset, List[str]] = {}
    for conversation_id, columns in changed_columns.items():
        by_columns.setdefault(frozenset(columns), []).append(conversation_id)
    for columns, conversation_ids in by_columns.items():
        if columns == SEQ_ONLY:  # a message: nothing but the number moves on
            _move_seq_on(connection, conversation_ids, states, read_seq)
            continue
        statement = _update_statement(columns)
        parameters = [
            {"where_id": cid, "where_seq": read_seq[cid],
             **{f"set_{column}": states[cid][column] for column in columns}}
            for cid in conversation_ids]
        _run_checked(parameters, lambda batch: connection.execute(
            statement, batch if len(batch) > 1 else batch[0]).rowcount, connection)


def _move_seq_on(connection: Connection, conversation_ids: List[str],
                 states: Mapping[str, Dict[str, Any]], read_seq: Mapping[str, int]) -> None:
    """`last_seq` of every conversation that got only messages, in one statement per chunk:
    `UPDATE ... SET last_seq = CASE id ... END WHERE (id = :id AND last_seq = :read) OR ...`."""
    mark = _placeholder(connection)
    for chunk in _chunks(conversation_ids, CONVERSATIONS_PER_UPDATE):
        sql = ("UPDATE conversations SET last_seq = CASE id "
               + " ".join([f"WHEN {mark} THEN {mark}"] * len(chunk)) + " END WHERE "
               + " OR ".join([f"(id = {mark} AND last_seq = {mark})"] * len(chunk)))
        parameters = tuple(value for cid in chunk for value in (cid, states[cid]["last_seq"]))
        parameters += tuple(value for cid in chunk for value in (cid, read_seq[cid]))
        if connection.exec_driver_sql(sql, parameters).rowcount != len(chunk):
            raise ChangedElsewhere()


def _insert_events(connection: Connection, rows: List[Dict[str, Any]]) -> None:
    """The group's events in one multi-row INSERT per chunk, their values converted by the
    columns' own types (JSON, dates, booleans) as SQLAlchemy would."""
    mark = _placeholder(connection)
    one_row = "(" + ", ".join([mark] * len(EVENT_COLUMNS)) + ")"
    processors = _bind_processors(connection.dialect)
    for chunk in _chunks(rows, EVENTS_PER_INSERT):
        sql = (f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES "
               + ", ".join([one_row] * len(chunk)))
        parameters = tuple(process(row[name]) if process is not None else row[name]
                           for row in chunk for name, process in processors)
        connection.exec_driver_sql(sql, parameters)


EVENT_COLUMNS = tuple(column.name for column in EVENTS.columns if not column.primary_key)
# Each statement holds fewer than 999 parameters, the smallest limit SQLite has had.
EVENTS_PER_INSERT = 999 // len(EVENT_COLUMNS)
CONVERSATIONS_PER_UPDATE = 999 // 4
_PROCESSORS: Dict[str, List[Tuple[str, Optional[Callable[[Any], Any]]]]] = {}


def _bind_processors(dialect: Dialect) -> List[Tuple[str, Optional[Callable[[Any], Any]]]]:
    processors = _PROCESSORS.get(dialect.name)
    if processors is None:
        processors = _PROCESSORS[dialect.name] = [
            (name, EVENTS.c[name].type.bind_processor(dialect)) for name in EVENT_COLUMNS]
    return processors


def _chunks(items: List[Any], size: int) -> List[List[Any]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


SEQ_ONLY = frozenset({"last_seq"})
# SQLite's refusal of an event numbered from a stale state (migration 0002's trigger says it).
OUT_OF_TURN = "event out of turn"
_UPDATES: Dict[frozenset, Any] = {}


def _update_statement(columns: frozenset) -> Any:
    """The conditional UPDATE setting these columns, built once per set of columns."""
    statement = _UPDATES.get(columns)
    if statement is None:
        statement = _UPDATES[columns] = update(CONVERSATIONS).where(
            CONVERSATIONS.c.id == bindparam("where_id"),
            CONVERSATIONS.c.last_seq == bindparam("where_seq"),
        ).values({column: bindparam(f"set_{column}") for column in sorted(columns)})
    return statement


def _run_checked(parameters: List[Any], run: Any, connection: Connection) -> None:
    """Runs the UPDATE for all rows at once where the driver counts the rows of an executemany
    (one at a time elsewhere); any row not updated means another transaction came first."""
    if len(parameters) > 1 and connection.dialect.supports_sane_multi_rowcount:
        batches = [parameters]
    else:
        batches = [[one] for one in parameters]
    for batch in batches:
        if run(batch) != len(batch):
            raise ChangedElsewhere()
