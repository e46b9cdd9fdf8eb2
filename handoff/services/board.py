"""The supervisors' live board: every open chat (waiting or held) with its owner, language,
priority, when it was queued and its first-response deadline; every agent with their status,
whether they are connected, their load, and a flag when they let a chat go unanswered.

Each hub draws the board for its own supervisors' sockets from the database and the presence of
every hub, again whenever the queue moved or an agent was flagged, and sends it when it changed
(docs/protocol.md, `board`). Flags come from every hub through the broker (`flagged` on the
supervisors' topic); one stays on the board until its agent takes a chat after it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Set

from handoff.rules.queue_order import ordered
from handoff.services.cards import conversation_card, iso
from handoff.services.dispatch import Dispatcher, waiting_entry
from handoff.services.presence import Presence
from handoff.store import answer_times
from handoff.store.repository import Repository
from handoff.store.schema import Conversation
from handoff.wire.connection import Connection


class Board:
    def __init__(self, repository: Repository, presence: Presence, dispatcher: Dispatcher) -> None:
        self.repository = repository
        self.presence = presence
        self.dispatcher = dispatcher
        self.viewers: Set[Connection] = set()
        self.flags: Dict[str, Dict[str, Any]] = {}  # agent's sign-in name -> their latest flag
        self.sent: Optional[Dict[str, Any]] = None
        dispatcher.after_broadcast.append(self.refresh)

    def show_to(self, connection: Connection) -> Dict[str, Any]:
        self.viewers.add(connection)
        self.sent = self.frame()
        return self.sent

    def hide_from(self, connection: Connection) -> None:
        self.viewers.discard(connection)

    def deliver(self, frame: Mapping[str, Any]) -> None:
        """What the supervisors' topic carries: a flag is kept for the board."""
        if frame.get("type") == "flagged":
            self.flags[frame["agent"]] = {"conversation_id": frame["conversation_id"],
                                          "reason": frame["reason"], "at": frame["at"]}
            self.refresh()

    def refresh(self) -> None:
        if not self.viewers:
            return
        frame = self.frame()
        if frame == self.sent:
            return
        self.sent = frame
        for connection in list(self.viewers):
            connection.deliver(frame)

    def frame(self) -> Dict[str, Any]:
        chats = answer_times.open_chats(self.repository.engine)
        return {"type": "board", "chats": self._chats(chats), "agents": self._agents(chats)}

    def _chats(self, chats: List[Conversation]) -> List[Dict[str, Any]]:
        waiting = {c.id: c for c in chats if c.owner == "queue"}
        held = sorted((c for c in chats if c.owner == "agent"),
                      key=lambda c: c.assigned_at or datetime.min)
        in_order = [waiting[entry.conversation_id]
                    for entry in ordered(waiting_entry(c) for c in waiting.values())]
        entries = []
        for conversation in [*in_order, *held]:
            card = conversation_card(conversation, self.repository)
            card["assigned_at"] = iso(conversation.assigned_at)
            offered = self.dispatcher.offered_to(conversation.id)
            card["offered"] = offered is not None
            entries.append(card)
        return entries

    def _agents(self, chats: List[Conversation]) -> List[Dict[str, Any]]:
        taken_since: Dict[int, datetime] = {}
        for conversation in chats:
            if conversation.owner == "agent" and conversation.assigned_at is not None:
                latest = taken_since.get(conversation.agent_id)
                if latest is None or conversation.assigned_at > latest:
                    taken_since[conversation.agent_id] = conversation.assigned_at
        held = self.repository.held_counts()
        agents = []
        for agent in self.repository.agents():
            if agent.disabled:
                continue
            flag = self.flags.get(agent.name)
            took = taken_since.get(agent.id)
            if (flag is not None and took is not None
                    and took > datetime.fromisoformat(flag["at"].removesuffix("Z"))):
                del self.flags[agent.name]
                flag = None
            agents.append({**agent.card(), "connected": self.presence.connected(agent.id),
                           "held": held.get(agent.id, 0), "flagged": flag})
        return agents
