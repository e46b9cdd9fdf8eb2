"""What supervisors do beyond their own chats: join any chat silently (the user is not told),
whisper to its agent (an event only agents receive), take it over or give it to another agent;
and what happens to an agent who leaves a chat unanswered: flagged, and the chat given to someone
else (handoff/rules/unanswered.py decides when).

Every frame here is for supervisors only (docs/protocol.md, "Agent rights"); joining, taking
over and reassigning are recorded in the audit log, as is each flag.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Set

from handoff.rules.ownership import Move, Owner
from handoff.rules.unanswered import HELD, OFFERED, unanswered_held
from handoff.services import topics
from handoff.services.audit import (
    AGENT_FLAGGED, CHAT_JOINED, CHAT_REASSIGNED, CHAT_TAKEN_OVER, HUB, Audit, agent_actor,
)
from handoff.services.board import Board
from handoff.services.broker import Broker
from handoff.services.cards import conversation_card
from handoff.services.desk import Desk, not_yours
from handoff.services.dispatch import Dispatcher
from handoff.services.presence import Presence
from handoff.services.timeline import Timeline
from handoff.store import answer_times
from handoff.store.appends import Appended
from handoff.store.repository import Conflict, Repository
from handoff.store.schema import Agent, Conversation
from handoff.wire.connection import Connection
from handoff.wire.protocol import Frame, ProtocolError

WHISPER = "whisper"


def supervisors_only() -> ProtocolError:
    return ProtocolError("forbidden", "only supervisors may do that")


class Watcher:
    """A supervisor's socket on a conversation's user topic: passes on its events (what the
    user sees), nothing of the user's own state frames."""

    def __init__(self, conversation_id: str, connection: Connection) -> None:
        self.conversation_id = conversation_id
        self.connection = connection

    def deliver(self, frame: Mapping[str, Any]) -> None:
        if frame.get("type") == "event":
            self.connection.deliver(frame)

    def __hash__(self) -> int:
        return hash((self.conversation_id, self.connection))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Watcher) and other.conversation_id == self.conversation_id
                and other.connection == self.connection)


class Supervision:
    def __init__(self, repository: Repository, broker: Broker, presence: Presence,
                 dispatcher: Dispatcher, timeline: Timeline, desk: Desk, board: Board,
                 audit: Audit, clock: Callable[[], datetime], answer_seconds: float) -> None:
        self.repository = repository
        self.broker = broker
        self.presence = presence
        self.dispatcher = dispatcher
        self.timeline = timeline
        self.desk = desk
        self.board = board
        self.audit = audit
        self.clock = clock
        self.answer_seconds = answer_seconds
        # The chats each socket on this hub watches.
        self.watching: Dict[Connection, Set[str]] = {}
        dispatcher.on_offer_expired = self.offer_expired

    # --- the board ---------------------------------------------------------------------------

    def show_board(self, agent: Agent, connection: Connection) -> Dict[str, Any]:
        """The board now; the socket gets it again whenever it changes."""
        if not agent.supervisor:
            raise supervisors_only()
        return self.board.show_to(connection)

    # --- joining silently ----------------------------------------------------------------------

    def watch(self, agent: Agent, conversation_id: str, connection: Connection,
              origin: Optional[str]) -> None:
        """The supervisor follows the chat as its agent does (notes and whispers included); the
        user is told nothing. A `watching` frame, then its history, then its events live."""
        if not agent.supervisor:
            raise supervisors_only()
        conversation = self.repository.conversation(conversation_id)
        if conversation is None:
            raise ProtocolError("not_found", "no such conversation", field="conversation_id")
        watched = self.watching.setdefault(connection, set())
        if conversation_id not in watched:
            # Subscribed before the history is read: an event stored meanwhile arrives twice
            # (the console keeps each seq once), never not at all.
            watched.add(conversation_id)
            self.broker.subscribe(topics.chat(conversation_id), Watcher(conversation_id, connection))
            self.broker.subscribe(topics.watch(conversation_id), connection)
            self.audit.record(agent_actor(agent.name, origin), CHAT_JOINED,
                              conversation_id=conversation_id, owner=conversation.owner)
        connection.deliver({"type": "watching",
                            "conversation": conversation_card(conversation, self.repository)})
        connection.replay(self.desk.history_pages(conversation, 0))

    def unwatch(self, conversation_id: str, connection: Connection) -> None:
        watched = self.watching.get(connection)
        if watched is None or conversation_id not in watched:
            return
        watched.discard(conversation_id)
        if not watched:
            del self.watching[connection]
        self.broker.unsubscribe(topics.chat(conversation_id), Watcher(conversation_id, connection))
        self.broker.unsubscribe(topics.watch(conversation_id), connection)

    def detach(self, connection: Connection) -> None:
        """The socket closed: it watches nothing more, nor sees the board."""
        for conversation_id in list(self.watching.get(connection, ())):
            self.unwatch(conversation_id, connection)
        self.board.hide_from(connection)

    # --- whispering --------------------------------------------------------------------------

    def whisper(self, agent: Agent, frame: Frame) -> Awaitable[Dict[str, Any]]:
        """A word to the agent holding the chat that its user never receives (`agents_only`);
        acknowledged once stored, as a message is."""
        if not agent.supervisor:
            raise supervisors_only()
        stored = self.timeline.relay(
            frame["conversation_id"], WHISPER, "agent", text=frame["text"],
            agent_name=agent.display_name, agents_only=True,
            client_id=f"agent:{agent.id}:{frame['client_id']}", notify_agents=[agent.id],
            expect={"owner": Owner.AGENT.value})
        return self._acknowledged(stored, frame)

    @staticmethod
    async def _acknowledged(storing: "Awaitable[Appended]", frame: Frame) -> Dict[str, Any]:
        try:
            stored = await storing
        except Conflict:
            raise ProtocolError("not_found", "no agent holds that chat",
                                field="conversation_id") from None
        return {"type": "ack", "conversation_id": frame["conversation_id"],
                "client_id": frame["client_id"], "seq": stored.seq, "duplicate": stored.duplicate}

    # --- taking over, reassigning --------------------------------------------------------------

    def take_over(self, agent: Agent, conversation_id: str, connection: Connection,
                  origin: Optional[str]) -> None:
        """The supervisor holds the chat from now on (whatever their capacity: they step in);
        its agent is released. The user is told the new agent's name, as on a transfer."""
        if not agent.supervisor:
            raise supervisors_only()
        conversation = self._held_by_another(agent, conversation_id)
        previous = self.repository.agent(conversation.agent_id)
        moved = self.timeline.move(
            conversation, Move.TAKE_OVER, "transferred", "hub_transferred",
            values={"agent": agent.display_name},
            changes={"agent_id": agent.id, "assigned_at": self.clock()},
            agent_name=agent.display_name, data={"to": "agent"},
            notify_agents=[conversation.agent_id])
        self.audit.record(agent_actor(agent.name, origin), CHAT_TAKEN_OVER,
                          conversation_id=conversation_id,
                          **{"from": previous.name if previous else None})
        self.unwatch(conversation_id, connection)
        self.desk.released(conversation.agent_id, conversation_id, "taken_over")
        self.desk.send_assigned(agent.id, moved)
        self.dispatcher.run()

    def reassign(self, agent: Agent, frame: Frame, origin: Optional[str]) -> None:
        """Gives a held or waiting chat to another agent who is online with room (in any of
        their languages: the supervisor decides)."""
        if not agent.supervisor:
            raise supervisors_only()
        conversation = self.repository.conversation(frame["conversation_id"])
        if conversation is None or conversation.owner not in (Owner.AGENT.value,
                                                              Owner.QUEUE.value):
            raise ProtocolError("not_found", "that chat is neither waiting nor held",
                                field="conversation_id")
        target = self.desk.available_agent(frame["agent"])
        if target.id == conversation.agent_id:
            raise ProtocolError("agent_unavailable", f"{target.name} holds that chat already",
                                field="agent")
        previous = (self.repository.agent(conversation.agent_id)
                    if conversation.agent_id else None)
        moved = self.timeline.move(
            conversation, Move.REASSIGN, "transferred", "hub_transferred",
            values={"agent": target.display_name},
            changes={"agent_id": target.id, "assigned_at": self.clock()},
            agent_name=target.display_name, data={"to": "agent"},
            notify_agents=[conversation.agent_id])
        self.audit.record(agent_actor(agent.name, origin), CHAT_REASSIGNED,
                          conversation_id=conversation.id, to=target.name,
                          **{"from": previous.name if previous else None})
        if previous is not None:
            self.desk.released(previous.id, conversation.id, "reassigned")
        else:
            self.dispatcher.forget(conversation.id)
        self.desk.send_assigned(target.id, moved)
        self.dispatcher.run()

    def _held_by_another(self, agent: Agent, conversation_id: str) -> Conversation:
        conversation = self.repository.conversation(conversation_id)
        if conversation is None or conversation.owner != Owner.AGENT.value:
            raise ProtocolError("not_found", "no agent holds that chat", field="conversation_id")
        if conversation.agent_id == agent.id:
            raise ProtocolError("not_yours", "you hold that chat already",
                                field="conversation_id")
        return conversation

    # --- unanswered chats ------------------------------------------------------------------------

    def check_answers(self) -> None:
        """Each held chat whose user has waited for its agent's answer BOLT_HUB_ANSWER_SECONDS
        goes back to the queue (at its old place) for another agent; its agent is flagged and set
        away, so that no more chats are offered to someone who is not there."""
        if self.answer_seconds <= 0:
            return
        now = self.clock()
        lapses = unanswered_held(answer_times.held_chats(self.repository.engine), now,
                                 self.answer_seconds)
        for lapse in lapses:
            conversation = self.repository.conversation(lapse.conversation_id)
            if conversation is None or conversation.agent_id != lapse.agent_id:
                continue
            try:
                self.timeline.move(conversation, Move.UNANSWERED, "requeued", "hub_requeued",
                                   changes={"agent_id": None, "assigned_at": None},
                                   data={"reason": "unanswered"},
                                   notify_agents=[lapse.agent_id])
            except Conflict:  # answered, moved or requeued by another hub just now
                continue
            self.desk.released(lapse.agent_id, lapse.conversation_id, "unanswered")
            self.dispatcher.passed_over(lapse.conversation_id, lapse.agent_id)
            agent = self.repository.agent(lapse.agent_id)
            if agent is not None and agent.status == "online":
                self.desk.set_status(agent, "away")
            self.flag(lapse.agent_id, lapse.conversation_id, HELD)
        if lapses:
            self.dispatcher.run()

    def offer_expired(self, conversation_id: str, agent_id: int) -> None:
        """An offer the agent let lapse: it went to the next agent; the agent is flagged."""
        self.flag(agent_id, conversation_id, OFFERED)

    def flag(self, agent_id: int, conversation_id: str, reason: str) -> None:
        agent = self.repository.agent(agent_id)
        if agent is None:
            return
        at = self.clock()
        self.audit.record(HUB, AGENT_FLAGGED, agent=agent.name, conversation_id=conversation_id,
                          reason=reason)
        self.broker.publish(topics.SUPERVISORS, {
            "type": "flagged", "agent": agent.name, "conversation_id": conversation_id,
            "reason": reason, "at": at.isoformat(timespec="microseconds") + "Z"})
