"""What an agent can do on /ws/agent: sign in, take chats, talk, transfer, resolve, take notes."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional, Tuple

from handoff.metrics import Metrics
from handoff.rules.ownership import Move, Owner
from handoff.services import topics
from handoff.services.agent_view import AgentView, may_see, within_reach
from handoff.services.agents import DEMO_AGENT
from handoff.services.attempt_counts import AttemptCounts
from handoff.services.audit import (
    ACTIONS, CHAT_CLAIMED, CHAT_TRANSFERRED, CHAT_VIEWED, Audit, agent_actor,
)
from handoff.services.bot import Bot
from handoff.services.broker import Broker
from handoff.services.cards import conversation_card
from handoff.services.dispatch import Dispatcher
from handoff.services.handoffs import off_the_queue
from handoff.services.passwords import STRONG, PasswordCost, token_hash
from handoff.services.presence import Presence
from handoff.services.satisfaction import BY_AGENT, resolve_data
from handoff.services.sign_in import SignIn
from handoff.services.tasks import BackgroundTasks
from handoff.services.timeline import Timeline
from handoff.store.appends import Appended
from handoff.store.repository import Conflict, NotFound, Repository
from handoff.store.schema import Agent, Conversation
from handoff.wire.connection import Connection
from handoff.wire.protocol import Frame, ProtocolError

# Events in one `history` frame, at most (a long conversation comes in several, in order).
HISTORY_PAGE = 500


def not_yours() -> ProtocolError:
    return ProtocolError("not_yours", "you do not hold that chat", field="conversation_id")


class Desk:
    def __init__(self, repository: Repository, broker: Broker, presence: Presence,
                 dispatcher: Dispatcher, timeline: Timeline, bot: Bot,
                 background: BackgroundTasks, metrics: Metrics, clock: Callable[[], datetime],
                 grace_seconds: float, demo: bool = False,
                 password_cost: PasswordCost = STRONG, session_hours: float = 12.0,
                 attempts: Tuple[Optional[AttemptCounts], Optional[AttemptCounts]] = (None, None),
                 *, audit: Audit, link_origins: Tuple[str, ...] = (),
                 file_limits: Optional[Dict[str, Any]] = None) -> None:
        self.repository = repository
        self.broker = broker
        self.presence = presence
        self.dispatcher = dispatcher
        self.timeline = timeline
        self.bot = bot
        self.background = background
        self.metrics = metrics
        self.clock = clock
        self.grace_seconds = grace_seconds
        self.demo = demo
        self.audit = audit
        self.link_origins = link_origins  # whose article links the console opens
        self.file_limits = file_limits or {}  # what files the console may send
        self.grace: Dict[int, asyncio.TimerHandle] = {}
        # This hub's signed-in sockets: the hash of the session each signed in with.
        self.session_of: Dict[Connection, str] = {}
        self.views: Dict[Connection, AgentView] = {}
        self.sign_in = SignIn(repository, password_cost, session_hours, clock, self.may_sign_in,
                              *attempts)

    def start(self) -> None:
        """After a restart nobody is connected: agents holding chats get their grace period."""
        self.watch()

    def watch(self) -> None:
        """Agents who hold chats but have no socket on any live hub (theirs died) get their grace
        period, and the sockets whose session ended since they signed in are closed; run at
        start and at every tick."""
        self.close_revoked()
        for agent_id in self.repository.held_counts():
            if (agent_id is not None and agent_id not in self.grace
                    and not self.presence.connected(agent_id)):
                self._start_grace(agent_id)

    def close_revoked(self) -> None:
        """Closes the sockets whose session no longer signs anyone in: the password changed
        (`bolt agents passwd`), the agent was disabled or removed (`bolt agents remove`), or the
        session expired. Those commands change only the shared database, from any machine, so
        every hub looks there itself."""
        session_of = self.session_of
        if not session_of:
            return
        live = self.repository.live_sessions(set(session_of.values()), self.clock())
        for connection, session in list(session_of.items()):
            if session not in live:
                del session_of[connection]
                connection.stop()
                asyncio.get_running_loop().create_task(
                    connection.ws.close(code=1008, reason="session ended"))

    def may_sign_in(self, agent: Agent) -> bool:
        """Not a disabled agent, nor demo mode's agent when demo mode is off."""
        return not agent.disabled and (self.demo or agent.name != DEMO_AGENT)

    def stop(self) -> None:
        for timer in self.grace.values():
            timer.cancel()
        self.grace.clear()

    def announce_presence(self) -> None:
        """Tells the other hubs which agents have a socket here (on every change and tick)."""
        self.broker.publish(topics.PRESENCE, self.presence.announcement())

    # --- signing in and out ---------------------------------------------------------------------

    async def login(self, frame: Frame, address: Optional[str]) -> tuple:
        """(agent, session token) for a name and password, or for a session token."""
        session = frame.get("session")
        if session:
            return self.sign_in.with_session(session), session
        if not (frame.get("name") and frame.get("password")):
            raise ProtocolError("login_failed", "wrong name, password or session")
        return await self.sign_in.with_password(frame["name"], frame["password"], address)

    def sign_out(self, session: str) -> None:
        """The session ends on the server: its token signs no one in again."""
        self.sign_in.sign_out(session)

    def attach(self, agent: Agent, session: str, connection: Connection) -> None:
        timer = self.grace.pop(agent.id, None)
        if timer is not None:
            timer.cancel()
        self.presence.join(agent.id, connection)
        self.session_of[connection] = token_hash(session)
        view = self.views[connection] = AgentView(agent, connection)
        self.announce_presence()
        broker = self.broker
        connection.deliver({
            "type": "welcome", "agent": agent.card(), "session": session,
            "chats": [conversation_card(c, self.repository)
                      for c in self.repository.held_by(agent.id)],
            "link_origins": list(self.link_origins), "files": self.file_limits,
        })
        view.deliver(self.dispatcher.agents_frame())
        broker.subscribe(topics.agent(agent.id), connection)
        broker.subscribe(topics.AGENTS, view)
        if agent.supervisor:
            broker.subscribe(topics.SUPERVISORS, connection)
        self.dispatcher.run()

    def detach(self, agent: Agent, connection: Connection) -> None:
        self.session_of.pop(connection, None)
        view = self.views.pop(connection, None)
        if view is not None:
            self.broker.unsubscribe(topics.AGENTS, view)
        for topic in (topics.agent(agent.id), topics.SUPERVISORS):
            self.broker.unsubscribe(topic, connection)
        if self.presence.leave(agent.id, connection):
            self.announce_presence()
            self.dispatcher.withdraw_from(agent.id)
            if self.repository.held_by(agent.id):
                self._start_grace(agent.id)
            self.dispatcher.run()

    def _start_grace(self, agent_id: int) -> None:
        loop = asyncio.get_running_loop()
        self.grace[agent_id] = loop.call_later(
            self.grace_seconds, self._grace_over, agent_id)

    def _grace_over(self, agent_id: int) -> None:
        self.grace.pop(agent_id, None)
        if self.presence.connected(agent_id):
            return
        for conversation in self.repository.held_by(agent_id):
            # Queued time and deadline are kept: the chat is back at its old place.
            try:
                self.timeline.move(conversation, Move.REQUEUE, "requeued", "hub_requeued",
                                   changes={"agent_id": None, "assigned_at": None},
                                   data={"reason": "agent_dropped"}, notify_agents=[agent_id])
            except Conflict:  # another hub's grace period ran out first
                continue
        self.dispatcher.run()

    def set_status(self, agent: Agent, status: str) -> Agent:
        agent = self.repository.set_agent_status(agent.id, status)
        if status != "online":
            self.dispatcher.withdraw_from(agent.id)
        self.broker.publish(topics.agent(agent.id), {"type": "status", "status": status})
        self.dispatcher.run()
        return agent

    def set_locale(self, agent: Agent, locale: str) -> Agent:
        """The console's language the agent chose, kept for their later sign-ins; their other
        tabs follow."""
        agent = self.repository.set_agent_locale(agent.id, locale)
        self.broker.publish(topics.agent(agent.id), {"type": "locale", "locale": locale})
        return agent

    # --- taking chats ----------------------------------------------------------------------------

    def take(self, agent: Agent, conversation_id: str, claim: bool,
             origin: Optional[str] = None) -> None:
        """Accepts the chat offered to the agent, or claims one waiting in their languages (any,
        for a supervisor) if they have room (a claim is recorded in the audit log: it takes a
        chat out of the queue's order)."""
        conversation = self.repository.conversation(conversation_id)
        if conversation is None or conversation.owner != Owner.QUEUE.value:
            raise ProtocolError("not_waiting", "that chat is not waiting in the queue",
                                field="conversation_id")
        agent = self.repository.agent(agent.id)
        if not may_see(agent, conversation):
            raise ProtocolError("forbidden", "that chat waits for agents of another language",
                                field="conversation_id")
        dispatcher = self.dispatcher
        if not claim and dispatcher.offered_to(conversation_id) != agent.id:
            raise ProtocolError("no_offer", "that chat is not offered to you: claim it instead")
        if len(self.repository.held_by(agent.id)) >= agent.capacity:
            raise ProtocolError("at_capacity", f"you hold {agent.capacity} chats already")
        if dispatcher.offered_to(conversation_id) == agent.id:
            dispatcher.offers.pop(conversation_id)
        now = self.clock()
        conversation = self.timeline.move(
            conversation, Move.ASSIGN, "agent_joined", "hub_agent_joined",
            values={"agent": agent.display_name},
            changes={"agent_id": agent.id, "assigned_at": now},
            agent_name=agent.display_name)
        if conversation.queued_at:
            self.metrics.observe("bolt_hub_queue_wait_seconds",
                                 (now - conversation.queued_at).total_seconds(),
                                 language=conversation.language)
        dispatcher.forget(conversation_id)
        if claim:
            self.audit.record(agent_actor(agent.name, origin), CHAT_CLAIMED,
                              conversation_id=conversation_id)
        self.send_assigned(agent.id, conversation)
        dispatcher.run()

    def decline(self, agent: Agent, conversation_id: str) -> None:
        if not self.dispatcher.decline(conversation_id, agent.id, "declined"):
            raise ProtocolError("no_offer", "that chat is not offered to you")
        self.dispatcher.run()

    def send_assigned(self, agent_id: int, conversation: Conversation) -> None:
        events = self.repository.events_after(conversation.id, 0, internal=True)
        self.broker.publish(topics.agent(agent_id), {
            "type": "assigned", "conversation": conversation_card(conversation, self.repository),
            "events": [e.as_frame() for e in events]})

    # --- in a chat -------------------------------------------------------------------------------

    def held(self, agent: Agent, conversation_id: str) -> Conversation:
        conversation = self.repository.conversation(conversation_id)
        if (conversation is None or conversation.owner != Owner.AGENT.value
                or conversation.agent_id != agent.id):
            raise not_yours()
        return conversation

    def message(self, agent: Agent, frame: Frame, note: bool) -> Awaitable[Dict[str, Any]]:
        """Queues the agent's message or note for storing; the ack once stored. The append's
        `expect` is the check that the agent holds the chat, made in the transaction that
        stores it (no read before it)."""
        conversation_id = frame["conversation_id"]
        stored = self.timeline.relay(
            conversation_id, "note" if note else "message", "agent", text=frame["text"],
            agent_name=agent.display_name, agents_only=note,
            client_id=f"agent:{agent.id}:{frame['client_id']}",
            expect={"owner": Owner.AGENT.value, "agent_id": agent.id})
        return self._acknowledge(stored, frame)

    @staticmethod
    async def _acknowledge(storing: "asyncio.Future[Appended]", frame: Frame) -> Dict[str, Any]:
        try:
            stored = await storing
        except (Conflict, NotFound):
            raise not_yours() from None
        return {"type": "ack", "conversation_id": frame["conversation_id"],
                "client_id": frame["client_id"], "seq": stored.seq, "duplicate": stored.duplicate}

    def typing(self, agent: Agent, conversation_id: str, typing: bool) -> None:
        conversation = self.held(agent, conversation_id)
        self.broker.publish(topics.chat(conversation.id), {
            "type": "typing", "speaker": "agent", "name": agent.display_name, "typing": typing})

    def transfer(self, agent: Agent, frame: Frame, origin: Optional[str] = None) -> None:
        """Reassigns a chat the agent holds (recorded in the audit log)."""
        conversation = self.held(agent, frame["conversation_id"])
        target = frame["to"]
        details = {"conversation_id": conversation.id, "to": target}
        if target == "agent":
            self._to_agent(agent, conversation, frame.get("agent"))
            details["agent"] = frame.get("agent")
        else:
            changes: Dict[str, Any] = {"agent_id": None, "assigned_at": None}
            data: Dict[str, Any] = {"to": target}
            if target == "language":
                if not frame.get("language"):
                    raise ProtocolError("missing_field", "'language' is required", field="language")
                changes["language"] = data["language"] = details["language"] = frame["language"]
            self.timeline.move(conversation, Move.REQUEUE, "transferred", "hub_requeued",
                               changes=changes, data=data, notify_agents=[agent.id])
        self.audit.record(agent_actor(agent.name, origin), CHAT_TRANSFERRED, **details)
        self.released(agent.id, conversation.id, "transferred")
        self.dispatcher.run()

    def available_agent(self, name: Optional[str]) -> Agent:
        """The agent of that sign-in name, if they can take a chat now: online, connected, with
        room; else `agent_unavailable`."""
        other = self.repository.agent_by_name(name) if name else None
        if other is None:
            raise ProtocolError("agent_unavailable", "no other agent of that name", field="agent")
        held = len(self.repository.held_by(other.id))
        if (other.status != "online" or other.disabled or not self.presence.connected(other.id)
                or held >= other.capacity):
            raise ProtocolError("agent_unavailable", f"{other.name} cannot take a chat now",
                                field="agent")
        return other

    def _to_agent(self, agent: Agent, conversation: Conversation, name: Optional[str]) -> None:
        if name == agent.name:
            raise ProtocolError("agent_unavailable", "no other agent of that name", field="agent")
        other = self.available_agent(name)
        conversation = self.timeline.move(
            conversation, Move.TRANSFER_AGENT, "transferred", "hub_transferred",
            values={"agent": other.display_name}, changes={"agent_id": other.id},
            agent_name=other.display_name, data={"to": "agent"}, notify_agents=[agent.id])
        self.send_assigned(other.id, conversation)

    def resolve(self, agent: Agent, conversation_id: str) -> None:
        conversation = self.held(agent, conversation_id)
        now = self.clock()
        handle_seconds = (now - conversation.assigned_at).total_seconds()
        asked_before = self.repository.csat_asked(conversation_id)
        self.timeline.move(conversation, Move.RESOLVE, "resolved", "hub_resolved",
                           changes=off_the_queue(), notify_agents=[agent.id],
                           data=resolve_data(BY_AGENT, asked_before))
        self.repository.record_resolution(conversation_id, agent.id, handle_seconds)
        self.released(agent.id, conversation_id, "resolved")
        self.background.spawn(self.bot.resume(conversation_id))
        self.dispatcher.run()

    def _held_ids(self, agent: Agent) -> frozenset:
        return frozenset(c.id for c in self.repository.held_by(agent.id))

    def released(self, agent_id: int, conversation_id: str, reason: str) -> None:
        self.broker.publish(topics.agent(agent_id), {
            "type": "released", "conversation_id": conversation_id, "reason": reason})

    # --- reading ---------------------------------------------------------------------------------

    def history(self, agent: Agent, conversation_id: str, after_seq: int,
                origin: Optional[str] = None) -> Iterator[List[Dict[str, Any]]]:
        """The `history` frames of the conversation after `after_seq`, HISTORY_PAGE events
        each, read one at a time as the socket sends them (checked at once: a refusal raises
        here); a supervisor's read of one that is neither theirs nor waiting in their
        languages is recorded in the audit log."""
        conversation = self.repository.conversation(conversation_id)
        as_agent = conversation is not None and within_reach(agent, conversation)
        if not as_agent and not (conversation is not None and agent.supervisor):
            raise ProtocolError("forbidden", "you may not read that conversation",
                                field="conversation_id")
        if not as_agent:
            self.audit.record(agent_actor(agent.name, origin), CHAT_VIEWED,
                              conversation_id=conversation_id, owner=conversation.owner)
        return self.history_pages(conversation, after_seq)

    def history_pages(self, conversation: Conversation,
                       after_seq: int) -> Iterator[List[Dict[str, Any]]]:
        card = conversation_card(conversation, self.repository)
        while True:
            events = self.repository.events_after(conversation.id, after_seq, internal=True,
                                                  limit=HISTORY_PAGE + 1)
            more = len(events) > HISTORY_PAGE
            page = events[:HISTORY_PAGE]
            yield [{"type": "history", "conversation": card,
                    "events": [e.as_frame() for e in page], "more": more}]
            if not more:
                return
            after_seq = page[-1].seq

    def audit_entries(self, agent: Agent, frame: Frame) -> Dict[str, Any]:
        """The audit log, newest first, for supervisors only."""
        if not agent.supervisor:
            raise ProtocolError("forbidden", "only supervisors may read the audit log")
        since = None
        if frame.get("since"):
            try:
                since = datetime.fromisoformat(frame["since"].removesuffix("Z"))
            except ValueError:
                raise ProtocolError("invalid_field", "'since' must be an ISO date or time",
                                    field="since") from None
            if since.tzinfo is not None:
                since = since.astimezone(timezone.utc).replace(tzinfo=None)
        return {"type": "audit", "entries": self.audit.entries(
            since, frame.get("actor"), frame.get("action"), frame.get("limit") or 100,
            frame.get("before")), "actions": sorted(ACTIONS)}
