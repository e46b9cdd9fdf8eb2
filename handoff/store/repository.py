"""Reads and writes of the hub's tables. Every write is committed before it returns."""
from __future__ import annotations

import asyncio
import functools
from datetime import datetime
from typing import Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Set, Tuple, TypeVar

from sqlalchemy import JSON, false, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from handoff.store.appends import AppendRequest, Appended
from handoff.store.errors import Conflict, NotFound
from handoff.store import mail_outbox
from handoff.store.schema import Agent, AgentSession, Conversation, Event, Resolution, Ticket
from handoff.store.writer import Writer

__all__ = ["Conflict", "NotFound", "Repository"]

# The chats each agent holds, per agent (read as one row by `held_counts`).
HELD = (select(Conversation.agent_id, func.count().label("held"))
        .where(Conversation.owner == "agent", Conversation.agent_id.is_not(None))
        .group_by(Conversation.agent_id).subquery())


Method = TypeVar("Method", bound=Callable[..., Any])
T = TypeVar("T")


def _written(method: Method) -> Method:
    """Runs the write on the repository's writer thread, in its turn among the others."""
    @functools.wraps(method)
    def on_the_writer(self: "Repository", *args: Any, **kwargs: Any) -> Any:
        try:
            return self.writer.call(lambda: method(self, *args, **kwargs))
        finally:
            self.moment.clear()
    return on_the_writer  # type: ignore[return-value]


class BotTurnState(NamedTuple):
    """What a bot turn needs of its conversation, read without the ORM (on every message)."""
    owner: str
    locale: Optional[str]
    rasa_resume_pending: bool


class Repository:
    """Reads run where they are called; every write runs on the engine's writer thread
    (handoff/store/writer.py), appends grouped into shared transactions.

    The queue's reads (the waiting chats, the agents, who holds how many) are asked for several
    times in one step of the hub (a hand-off checks capacity, makes offers, tells the user their
    place): on the event loop they are read once for the callbacks run together and shared,
    until this hub writes anything or the loop goes round (`moment`). They were half of the
    hub's busy time in a queue of 32 (py-spy, docs/performance.md).
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        self.sessions = sessionmaker(engine, future=True, expire_on_commit=False)
        self.writer = Writer(engine)
        self.moment: Dict[str, Any] = {}

    def _in_this_moment(self, key: str, read: Callable[[], T]) -> T:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a script or a test outside the loop: always the database
            return read()
        if key not in self.moment:
            if not self.moment:
                loop.call_soon(self.moment.clear)
            self.moment[key] = read()
        return self.moment[key]

    def close(self) -> None:
        self.writer.close()

    # --- conversations and their numbered events -------------------------------------------

    @_written
    def create_conversation(self, **fields: Any) -> Conversation:
        with self.sessions.begin() as session:
            conversation = Conversation(**fields)
            session.add(conversation)
        return conversation

    def conversation(self, conversation_id: str) -> Optional[Conversation]:
        with self.sessions() as session:
            return session.get(Conversation, conversation_id)

    def bot_turn_state(self, conversation_id: str) -> Optional[BotTurnState]:
        query = select(Conversation.owner, Conversation.locale,
                       Conversation.rasa_resume_pending).where(Conversation.id == conversation_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).one_or_none()
        return None if row is None else BotTurnState(*row)

    def append(self, conversation_id: str, kind: str, speaker: str, *,
               then: Optional[Callable[[Appended], None]] = None,
               **fields: Any) -> Tuple[Event, bool, Conversation]:
        """Stores the next event (and the conversation's changes with it, atomically), blocking
        until it is committed; `then` runs once it is, in commit order.

        Returns the event, whether it was already stored under the same client id (then nothing
        changes), and the conversation as it is now. Raises Conflict when a column named in
        `expect` no longer has the expected value, NotFound when there is no such conversation.
        """
        request = AppendRequest(conversation_id, kind, speaker, **fields)
        try:
            return self.writer.append(request, then).as_tuple()
        finally:
            self.moment.clear()

    def append_later(self, conversation_id: str, kind: str, speaker: str, *,
                     then: Optional[Callable[[Appended], None]] = None,
                     **fields: Any) -> "asyncio.Future[Appended]":
        """`append` for the event loop: queued now, resolved once committed (together with
        whatever else was waiting to be stored), without blocking the loop."""
        request = AppendRequest(conversation_id, kind, speaker, **fields)

        def committed(appended: Appended) -> None:
            self.moment.clear()  # an append may change its conversation's columns
            if then is not None:
                then(appended)

        return self.writer.append_later(request, committed)

    @_written
    def update(self, conversation_id: str, **changes: Any) -> Conversation:
        with self.sessions.begin() as session:
            conversation = session.get(Conversation, conversation_id, with_for_update=True)
            if conversation is None:
                raise NotFound(conversation_id)
            for column, value in changes.items():
                setattr(conversation, column, value)
        return conversation

    def events_after(self, conversation_id: str, seq: int, internal: bool,
                     limit: Optional[int] = None) -> List[Event]:
        """The conversation's events after `seq`, in order; the first `limit` of them if given."""
        query = select(Event).where(Event.conversation_id == conversation_id, Event.seq > seq)
        if not internal:
            query = query.where(Event.agents_only.is_(False))
        query = query.order_by(Event.seq)
        if limit is not None:
            query = query.limit(limit)
        with self.sessions() as session:
            return list(session.execute(query).scalars())

    def last_message_before(self, conversation_id: str, seq: int,
                            speaker: str) -> Optional[Event]:
        """The conversation's last message of `speaker` before `seq`, if any."""
        query = (select(Event).where(Event.conversation_id == conversation_id, Event.seq < seq,
                                     Event.kind == "message", Event.speaker == speaker)
                 .order_by(Event.seq.desc()).limit(1))
        with self.sessions() as session:
            return session.execute(query).scalar_one_or_none()

    def event(self, conversation_id: str, seq: int) -> Optional[Event]:
        with self.sessions() as session:
            return session.execute(select(Event).where(
                Event.conversation_id == conversation_id, Event.seq == seq)).scalar_one_or_none()

    def csat_asked(self, conversation_id: str) -> bool:
        """Whether a resolve of the conversation asked the user for a rating (its `resolved`
        event carries `"csat": true`, handoff/services/satisfaction.py)."""
        with self.sessions() as session:
            found = session.execute(select(Event.data).where(
                Event.conversation_id == conversation_id, Event.kind == "resolved")).scalars()
            return any((data or {}).get("csat") for data in found)

    def waiting(self) -> List[Conversation]:
        return list(self._in_this_moment("waiting", self._read_waiting))

    def _read_waiting(self) -> List[Conversation]:
        with self.sessions() as session:
            return list(session.execute(
                select(Conversation).where(Conversation.owner == "queue")).scalars())

    def held_by(self, agent_id: int) -> List[Conversation]:
        with self.sessions() as session:
            return list(session.execute(select(Conversation).where(
                Conversation.owner == "agent", Conversation.agent_id == agent_id)).scalars())

    def held_counts(self) -> Dict[int, int]:
        return dict(self._in_this_moment("held_counts", self._read_held_counts))

    def _read_held_counts(self) -> Dict[int, int]:
        # No ORM session (a third less time), and one row, the counts as one JSON object: it is
        # read on every tick, on the loop, and every row the driver reads lets go of the GIL and
        # waits for the writer thread to give it back (50 agents' rows: stops of 40-90 ms).
        aggregate = (func.json_object_agg if self.engine.dialect.name == "postgresql"
                     else func.json_group_object)
        with self.engine.connect() as connection:
            counts = connection.execute(select(
                aggregate(HELD.c.agent_id, HELD.c.held, type_=JSON))).scalar()
        return {int(agent_id): held for agent_id, held in (counts or {}).items()}

    def counts_by_owner(self) -> Dict[str, int]:
        with self.sessions() as session:
            rows = session.execute(
                select(Conversation.owner, func.count()).group_by(Conversation.owner))
            return {owner: count for owner, count in rows}

    # --- agents ------------------------------------------------------------------------------

    @_written
    def add_agent(self, **fields: Any) -> Agent:
        try:
            with self.sessions.begin() as session:
                agent = Agent(**fields)
                session.add(agent)
        except IntegrityError:
            raise Conflict(f"an agent named {fields.get('name')!r} exists already") from None
        return agent

    def agent(self, agent_id: int) -> Optional[Agent]:
        with self.sessions() as session:
            return session.get(Agent, agent_id)

    def agent_by_name(self, name: str) -> Optional[Agent]:
        with self.sessions() as session:
            return session.execute(select(Agent).where(Agent.name == name)).scalar_one_or_none()

    def agents(self) -> List[Agent]:
        return list(self._in_this_moment("agents", self._read_agents))

    def _read_agents(self) -> List[Agent]:
        with self.sessions() as session:
            return list(session.execute(select(Agent).order_by(Agent.name)).scalars())

    @_written
    def set_agent_status(self, agent_id: int, status: str) -> Agent:
        with self.sessions.begin() as session:
            agent = session.get(Agent, agent_id)
            if agent is None:
                raise NotFound(str(agent_id))
            agent.status = status
        return agent

    @_written
    def set_agent_locale(self, agent_id: int, locale: Optional[str]) -> Agent:
        with self.sessions.begin() as session:
            agent = session.get(Agent, agent_id)
            if agent is None:
                raise NotFound(str(agent_id))
            agent.locale = locale
        return agent

    @_written
    def set_password(self, name: str, password_hash: str) -> None:
        """A new password; the agent's sessions end, so a stolen one stops working."""
        with self.sessions.begin() as session:
            agent = session.execute(select(Agent).where(Agent.name == name)).scalar_one_or_none()
            if agent is None:
                raise NotFound(f"no agent named {name!r}")
            agent.password_hash = password_hash
            for stored in session.execute(
                    select(AgentSession).where(AgentSession.agent_id == agent.id)).scalars():
                session.delete(stored)

    @_written
    def upgrade_password(self, agent_id: int, old_hash: str, new_hash: str) -> None:
        """The same password hashed at a higher cost; left alone if it changed meanwhile."""
        with self.sessions.begin() as session:
            agent = session.get(Agent, agent_id)
            if agent is not None and agent.password_hash == old_hash:
                agent.password_hash = new_hash

    @_written
    def remove_agent(self, name: str) -> bool:
        """Removes an agent who never held a chat (True); one with chats on record is disabled
        instead (False): their history keeps them, and they can no longer sign in."""
        with self.sessions.begin() as session:
            agent = session.execute(select(Agent).where(Agent.name == name)).scalar_one_or_none()
            if agent is None:
                raise NotFound(f"no agent named {name!r}")
            held = session.execute(select(func.count()).select_from(Conversation).where(
                Conversation.agent_id == agent.id)).scalar_one()
            resolved = session.execute(select(func.count()).select_from(Resolution).where(
                Resolution.agent_id == agent.id)).scalar_one()
            for stored in session.execute(
                    select(AgentSession).where(AgentSession.agent_id == agent.id)).scalars():
                session.delete(stored)
            if held or resolved:
                agent.disabled = True
                agent.status = "offline"
                return False
            session.flush()  # the sessions go first: they refer to the agent
            session.delete(agent)
            return True

    @_written
    def add_session(self, agent_id: int, token_hash: str, expires_at: datetime) -> None:
        with self.sessions.begin() as session:
            session.add(AgentSession(token_hash=token_hash, agent_id=agent_id,
                                     expires_at=expires_at))

    @_written
    def end_session(self, token_hash: str) -> None:
        with self.sessions.begin() as session:
            stored = session.get(AgentSession, token_hash)
            if stored is not None:
                session.delete(stored)

    def session_agent(self, token_hash: str, now: datetime) -> Optional[Agent]:
        with self.sessions() as session:
            stored = session.get(AgentSession, token_hash)
            if stored is None or stored.expires_at < now:
                return None
            agent = session.get(Agent, stored.agent_id)
            return None if agent is None or agent.disabled else agent

    def live_sessions(self, token_hashes: Iterable[str], now: datetime) -> Set[str]:
        """Those of `token_hashes` that still sign their agent in: not ended, not expired, and
        their agent neither removed nor disabled."""
        wanted = list(token_hashes)
        if not wanted:
            return set()
        with self.sessions() as session:
            return set(session.execute(
                select(AgentSession.token_hash).join(Agent, Agent.id == AgentSession.agent_id)
                .where(AgentSession.token_hash.in_(wanted), AgentSession.expires_at >= now,
                       Agent.disabled == false())).scalars())

    # --- tickets and resolutions ---------------------------------------------------------------

    @_written
    def open_ticket(self, conversation_id: str,
                    mail: Optional[Callable[[Dict[str, Any]], Optional[Dict[str, Any]]]] = None,
                    **fields: Any) -> Tuple[Ticket, bool]:
        """The conversation's open ticket, made now (True) with its transcript if it had none;
        `mail` gives the outbox row of its confirmation (or None), stored with it."""
        with self.sessions.begin() as session:
            stored = session.execute(select(Ticket).where(
                Ticket.conversation_id == conversation_id)).scalar_one_or_none()
            if stored is not None:
                return stored, False
            if session.get(Conversation, conversation_id) is None:
                raise NotFound(conversation_id)
            transcript = [event.as_frame() for event in session.execute(
                select(Event).where(Event.conversation_id == conversation_id,
                                    Event.agents_only.is_(False)).order_by(Event.seq)).scalars()]
            ticket = Ticket(conversation_id=conversation_id, transcript=transcript, **fields)
            session.add(ticket)
            session.flush()
            confirmation = mail({column.name: getattr(ticket, column.name)
                                 for column in Ticket.__table__.columns}) if mail else None
            if confirmation is not None:
                mail_outbox.enqueue(session.connection(), **confirmation)
        return ticket, True

    def tickets(self, status: str = "open") -> List[Ticket]:
        with self.sessions() as session:
            return list(session.execute(select(Ticket).where(Ticket.status == status)
                                        .order_by(Ticket.id)).scalars())

    def ticket(self, ticket_id: int) -> Optional[Ticket]:
        with self.sessions() as session:
            return session.get(Ticket, ticket_id)

    @_written
    def record_resolution(self, conversation_id: str, agent_id: int, handle_seconds: float) -> None:
        with self.sessions.begin() as session:
            session.add(Resolution(conversation_id=conversation_id, agent_id=agent_id,
                                   handle_seconds=handle_seconds))

    def average_handle_seconds(self, last: int = 20) -> Optional[float]:
        return self._in_this_moment(f"average_handle_seconds:{last}",
                                    lambda: self._read_average_handle_seconds(last))

    def _read_average_handle_seconds(self, last: int) -> Optional[float]:
        with self.engine.connect() as connection:
            recent = select(Resolution.handle_seconds).order_by(Resolution.id.desc()).limit(last)
            values = list(connection.execute(recent).scalars())
        return sum(values) / len(values) if values else None
