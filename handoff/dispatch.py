"""Moves the queue: offers waiting chats to agents, escalates breached ones, tells everyone.

Offers live in memory: after a restart they are simply made again. Everything else (who holds
what, deadlines, escalations) is in the database.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from handoff.queue import (
    AgentSlot, Waiting, capacity_for, estimate_wait_seconds, ordered, plan_offers, positions,
    to_escalate,
)
from handoff.store.schema import Conversation

if TYPE_CHECKING:
    from handoff.hub import Hub


@dataclass(frozen=True)
class Offer:
    agent_id: int
    expires: float  # time.monotonic()


def waiting_entry(conversation: Conversation) -> Waiting:
    return Waiting(
        conversation_id=conversation.id, language=conversation.language,
        priority=conversation.priority or "P4", deadline=conversation.deadline,
        escalated=conversation.escalated, auto_escalation=conversation.auto_escalation,
    )


class Dispatcher:
    def __init__(self, hub: "Hub"):
        self.hub = hub
        self.offers: Dict[str, Offer] = {}
        # conversation -> agent -> when they declined (monotonic); forgotten after an offer's time,
        # so that a chat everyone declined is offered round again rather than never.
        self.declined: Dict[str, Dict[int, float]] = {}
        self.sent_positions: Dict[str, Dict[str, Any]] = {}
        self.sent_queue: Optional[List[Dict[str, Any]]] = None

    # --- what the queue looks like now ---------------------------------------------------------

    def slots(self) -> List[AgentSlot]:
        offered = Counter(offer.agent_id for offer in self.offers.values())
        repository = self.hub.repository
        return self.hub.presence.slots(repository.agents(), repository.held_counts(), offered)

    def agents_available(self, language: str) -> bool:
        return capacity_for(language, self.slots()) > 0

    def position(self, conversation: Conversation) -> Tuple[Optional[int], Optional[int]]:
        if conversation.owner != "queue":
            return None, None
        frame = self.user_frame(conversation, self.hub.repository.waiting(), self.slots())
        return frame["position"], frame["estimated_wait_seconds"]

    def user_frame(self, conversation: Conversation, waiting: List[Conversation],
                   slots: List[AgentSlot]) -> Dict[str, Any]:
        """The `queue` frame a waiting user is sent."""
        places = positions(waiting_entry(c) for c in waiting)
        capacity = capacity_for(conversation.language, slots)
        place = places.get(conversation.id)
        wait = (estimate_wait_seconds(place, capacity, self.hub.repository.average_handle_seconds())
                if place else None)
        return {"type": "queue", "conversation_id": conversation.id, "position": place,
                "estimated_wait_seconds": wait, "agents_online": capacity > 0}

    def agents_frame(self) -> Dict[str, Any]:
        """The `queue` frame agents are sent: every waiting chat, in queue order."""
        return {"type": "queue", "entries": self._entries(self.hub.repository.waiting())}

    def _entries(self, waiting: List[Conversation]) -> List[Dict[str, Any]]:
        by_id = {c.id: c for c in waiting}
        places = positions(waiting_entry(c) for c in waiting)
        entries = []
        for entry in ordered(waiting_entry(c) for c in waiting):
            card = self.hub.card(by_id[entry.conversation_id])
            card["position"] = places[entry.conversation_id]
            offer = self.offers.get(entry.conversation_id)
            card["offered"] = offer is not None
            entries.append(card)
        return entries

    # --- moving it --------------------------------------------------------------------------------

    def run(self) -> None:
        """Makes the offers that can be made now, then updates users and agents if changed."""
        waiting = self.hub.repository.waiting()
        slots = self.slots()
        current = {cid: offer.agent_id for cid, offer in self.offers.items()}
        by_id = {c.id: c for c in waiting}
        declined = {cid: set(agents) for cid, agents in self.declined.items()}
        for conversation_id, agent_id in plan_offers(
                (waiting_entry(c) for c in waiting), slots, current, declined):
            self.offers[conversation_id] = Offer(
                agent_id, time.monotonic() + self.hub.settings.offer_seconds)
            self.hub.broker.publish(f"agent:{agent_id}", {
                "type": "offer", "conversation": self.hub.card(by_id[conversation_id]),
                "expires_in_seconds": self.hub.settings.offer_seconds,
            })
        self._broadcast(waiting, self.slots())

    def _broadcast(self, waiting: List[Conversation], slots: List[AgentSlot]) -> None:
        for conversation in waiting:
            frame = self.user_frame(conversation, waiting, slots)
            if self.sent_positions.get(conversation.id) != frame:
                self.sent_positions[conversation.id] = frame
                self.hub.broker.publish(f"chat:{conversation.id}", frame)
        entries = self._entries(waiting)
        if entries != self.sent_queue:
            self.sent_queue = entries
            self.hub.broker.publish("agents", {"type": "queue", "entries": entries})

    def forget(self, conversation_id: str) -> None:
        """The queue no longer holds the conversation: its offer and history go."""
        offer = self.offers.pop(conversation_id, None)
        if offer is not None:
            self._withdrawn(conversation_id, offer.agent_id, "taken")
        self.declined.pop(conversation_id, None)
        self.sent_positions.pop(conversation_id, None)

    def decline(self, conversation_id: str, agent_id: int, reason: str) -> bool:
        offer = self.offers.get(conversation_id)
        if offer is None or offer.agent_id != agent_id:
            return False
        del self.offers[conversation_id]
        self.declined.setdefault(conversation_id, {})[agent_id] = time.monotonic()
        self._withdrawn(conversation_id, agent_id, reason)
        return True

    def withdraw_from(self, agent_id: int) -> None:
        """The agent is no longer available: their open offers go to someone else."""
        for conversation_id, offer in list(self.offers.items()):
            if offer.agent_id == agent_id:
                del self.offers[conversation_id]
                self._withdrawn(conversation_id, agent_id, "unavailable")

    def offered_to(self, conversation_id: str) -> Optional[int]:
        offer = self.offers.get(conversation_id)
        return offer.agent_id if offer else None

    def _withdrawn(self, conversation_id: str, agent_id: int, reason: str) -> None:
        self.hub.broker.publish(f"agent:{agent_id}", {
            "type": "offer_withdrawn", "conversation_id": conversation_id, "reason": reason})

    def tick(self) -> None:
        """Expires unanswered offers, counts breaches, escalates, and moves the queue."""
        now_monotonic = time.monotonic()
        for conversation_id, offer in list(self.offers.items()):
            if offer.expires <= now_monotonic:
                self.decline(conversation_id, offer.agent_id, "expired")
        forget_before = now_monotonic - self.hub.settings.offer_seconds
        for conversation_id, agents in list(self.declined.items()):
            for agent_id, declined_at in list(agents.items()):
                if declined_at < forget_before:
                    del agents[agent_id]
            if not agents:
                del self.declined[conversation_id]
        now = self.hub.clock()
        waiting = self.hub.repository.waiting()
        for conversation in waiting:
            if not conversation.breached and conversation.deadline and now > conversation.deadline:
                self.hub.repository.update(conversation.id, breached=True)
                self.hub.metrics.count("bolt_hub_sla_breaches_total",
                                       priority=conversation.priority or "P4",
                                       language=conversation.language)
        by_id = {c.id: c for c in waiting}
        for conversation_id in to_escalate((waiting_entry(c) for c in waiting), now):
            _, _, escalated = self.hub.record(
                conversation_id, "escalated", "system", agents_only=True,
                data={"deadline": by_id[conversation_id].deadline.isoformat() + "Z"},
                changes={"escalated": True, "breached": True})
            self.hub.broker.publish("supervisors", {
                "type": "escalation", "conversation": self.hub.card(escalated)})
        self.run()
