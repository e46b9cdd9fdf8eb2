"""Storing a group of events in one transaction, in SQLAlchemy Core (the ORM cost more CPU than
the commit did): one read of the conversations involved, one read of the client ids already
stored, one conditional UPDATE per conversation and one INSERT of every event.

The per-conversation rules are those of one append at a time: events are numbered by the
conversation's `last_seq`, a client id already stored is answered with its stored event, and
`expect` names columns that must still hold the given values. An append that breaks a rule is
refused alone (Conflict, NotFound) and the others are stored; the refused one changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Set, Tuple, Union

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.engine import Connection

from handoff.store.errors import Conflict, NotFound
from handoff.store.schema import Conversation, Event, event_frame, utcnow

CONVERSATIONS = Conversation.__table__
EVENTS = Event.__table__


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


class Appended:
    """One append's outcome, kept as the columns stored: the ORM objects are made only when
    asked for (building them cost more than the rest of the group's work)."""

    __slots__ = ("values", "duplicate", "state", "_event", "_conversation")

    def __init__(self, values: Dict[str, Any], duplicate: bool, state: Dict[str, Any]):
        self.values = values  # the event's columns
        self.duplicate = duplicate  # already stored under the same client id: nothing changed
        self.state = state  # the conversation's columns after this event
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


def store(connection: Connection, requests: List[AppendRequest]) -> List[Outcome]:
    """Stores the appends in the connection's transaction; one outcome per request, in order.
    Raises ChangedElsewhere (nothing may be committed then)."""
    ids = sorted({request.conversation_id for request in requests})
    # Sorted and locked together (PostgreSQL): two hubs' groups never wait for each other in
    # opposite orders. SQLite takes no lock on a read: the conditional UPDATE below guards it.
    query = select(CONVERSATIONS).where(CONVERSATIONS.c.id.in_(ids)).order_by(CONVERSATIONS.c.id)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    states = {row.id: dict(row._mapping) for row in connection.execute(query)}
    read_seq = {cid: state["last_seq"] for cid, state in states.items()}
    changed_columns: Dict[str, Set[str]] = {}
    known = _stored_events(connection, requests)
    outcomes: List[Outcome] = []
    rows: List[Dict[str, Any]] = []
    for request in requests:
        state = states.get(request.conversation_id)
        if state is None:
            outcomes.append(NotFound(request.conversation_id))
            continue
        key = (request.conversation_id, request.client_id)
        if request.client_id is not None and key in known:
            outcomes.append(Appended(known[key], True, dict(state)))
            continue
        refusal = _refusal(state, request.expect)
        if refusal is not None:
            outcomes.append(Conflict(refusal))
            continue
        state["last_seq"] += 1
        state.update(request.changes or {})
        changed_columns.setdefault(request.conversation_id, {"last_seq"}).update(
            request.changes or {})
        row = {
            "conversation_id": request.conversation_id, "seq": state["last_seq"],
            "kind": request.kind, "speaker": request.speaker, "text": request.text,
            "data": request.data or None, "client_id": request.client_id,
            "agent_name": request.agent_name, "agents_only": request.agents_only,
            "created_at": utcnow(),
        }
        rows.append(row)
        if request.client_id is not None:
            known[key] = row
        outcomes.append(Appended(row, False, dict(state)))
    _update_conversations(connection, states, read_seq, changed_columns)
    if rows:
        connection.execute(EVENTS.insert(), rows)
    return outcomes


def _refusal(state: Mapping[str, Any], expect: Optional[Mapping[str, Any]]) -> Optional[str]:
    for column, value in (expect or {}).items():
        if state[column] != value:
            return f"{column} is {state[column]!r}, not {value!r}"
    return None


def _stored_events(connection: Connection, requests: List[AppendRequest]
                   ) -> Dict[Tuple[str, Optional[str]], Dict[str, Any]]:
    """(conversation id, client id) -> the event already stored under it, for the group's ids."""
    wanted = {(r.conversation_id, r.client_id) for r in requests if r.client_id is not None}
    if not wanted:
        return {}
    # The exact pairs: client ids repeat across conversations (every user's first message may
    # be "m1"), so two separate INs would read back every such event of the group's chats.
    # One indexed lookup per pair (SQLite scans the table for a row-value IN).
    query = select(EVENTS).where(or_(*(
        and_(EVENTS.c.conversation_id == conversation_id, EVENTS.c.client_id == client_id)
        for conversation_id, client_id in sorted(wanted))))
    found: Dict[Tuple[str, Optional[str]], Dict[str, Any]] = {}
    for row in connection.execute(query):
        values = dict(row._mapping)
        values.pop("id", None)
        found[(row.conversation_id, row.client_id)] = values
    return found


def _update_conversations(connection: Connection, states: Mapping[str, Dict[str, Any]],
                          read_seq: Mapping[str, int],
                          changed_columns: Mapping[str, Set[str]]) -> None:
    """`UPDATE ... WHERE id = :id AND last_seq = :read` for every conversation that got events:
    if another transaction moved one on since it was read, none of this group may be kept."""
    by_columns: Dict[frozenset, List[str]] = {}
    for conversation_id, columns in changed_columns.items():
        by_columns.setdefault(frozenset(columns), []).append(conversation_id)
    for columns, conversation_ids in by_columns.items():
        statement = update(CONVERSATIONS).where(
            CONVERSATIONS.c.id == bindparam("where_id"),
            CONVERSATIONS.c.last_seq == bindparam("where_seq"),
        ).values({column: bindparam(f"set_{column}") for column in sorted(columns)})
        parameters = [
            {"where_id": cid, "where_seq": read_seq[cid],
             **{f"set_{column}": states[cid][column] for column in columns}}
            for cid in conversation_ids]
        if len(parameters) > 1 and connection.dialect.supports_sane_multi_rowcount:
            batches = [parameters]
        else:
            batches = [[one] for one in parameters]
        for batch in batches:
            result = connection.execute(statement, batch if len(batch) > 1 else batch[0])
            if result.rowcount != len(batch):
                raise ChangedElsewhere()
