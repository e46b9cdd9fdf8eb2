"""Moves the queue: offers waiting chats to agents, escalates breached ones, tells everyone.

Offers live in memory: after a restart they are simply made again. Everything else (who holds
what, deadlines, escalations) is in the database. With several hubs, each offers waiting chats to
the agents connected to it and tells its own sockets where the queue stands; a hub that changed
the queue says so on the broker (`topics.QUEUE`) so that the others look again at once. Two hubs
may offer one chat to two agents: taking it is a conditional change in the database
(Timeline.move), so exactly one of them gets it and the other's offer is withdrawn.
"""
from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Tuple

from handoff.rules.queue_order import (
    AgentSlot, Waiting, capacity_for, estimate_wait_seconds, ordered, plan_offers, positions,
    to_escalate,
)
from handoff.metrics import Metrics
from handoff.rules.throttle import Throttle
from handoff.rules.unanswered import expired_offers
from handoff.services import topics
from handoff.services.broker import Broker
from handoff.services.cards import conversation_card
from handoff.services.presence import Presence
from handoff.services.timeline import Timeline
from handoff.store.repository import Conflict, Repository
from handoff.store.schema import Conversation

# Queue frames go out at most this often (the latest state each time): docs/protocol.md.
QUEUE_UPDATE_SECONDS = 0.2


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
    def __init__(self, repository: Repository, broker: Broker, presence: Presence,
                 timeline: Timeline, metrics: Metrics, clock: Callable[[], datetime],
                 offer_seconds: float, queue_update_seconds: float = QUEUE_UPDATE_SECONDS):
        self.repository = repository
        self.broker = broker
        self.presence = presence
        self.timeline = timeline
        self.metrics = metrics
        self.clock = clock
        self.offer_seconds = offer_seconds
        self.looking_again = False
        self.offers: Dict[str, Offer] = {}
        # conversation -> agent -> when they declined (monotonic); forgotten after an offer's time,
        # so that a chat everyone declined is offered round again rather than never.
        self.declined: Dict[str, Dict[int, float]] = {}
        self.sent_positions: Dict[str, Dict[str, Any]] = {}
        self.sent_queue: Optional[List[Dict[str, Any]]] = None
        self.throttle = Throttle(queue_update_seconds)
        self.broadcast_timer: Optional[asyncio.TimerHandle] = None
        # Told of each offer its agent let lapse (conversation, agent): the supervisors' flag.
        self.on_offer_expired: Callable[[str, int], None] = lambda conversation_id, agent_id: None
        # Run after the queue's frames went out: what else shows the queue (the board).
        self.after_broadcast: List[Callable[[], None]] = []

    # --- what the queue looks like now ---------------------------------------------------------

    def slots(self, here_only: bool = False) -> List[AgentSlot]:
        offered = Counter(offer.agent_id for offer in self.offers.values())
        return self.presence.slots(self.repository.agents(), self.repository.held_counts(),
                                   offered, here_only=here_only)

    def agents_available(self, language: str) -> bool:
        return capacity_for(language, self.slots()) > 0

    def position(self, conversation: Conversation) -> Tuple[Optional[int], Optional[int]]:
        if conversation.owner != "queue":
            return None, None
        frame = self.user_frame(conversation, self.repository.waiting(), self.slots())
        return frame["position"], frame["estimated_wait_seconds"]

    def user_frame(self, conversation: Conversation, waiting: List[Conversation],
                   slots: List[AgentSlot]) -> Dict[str, Any]:
        """The `queue` frame a waiting user is sent."""
        places = positions(waiting_entry(c) for c in waiting)
        return self._user_frame(conversation, places, slots,
                                self.repository.average_handle_seconds())

    @staticmethod
    def _user_frame(conversation: Conversation, places: Dict[str, int], slots: List[AgentSlot],
                    average_handle_seconds: Optional[float]) -> Dict[str, Any]:
        capacity = capacity_for(conversation.language, slots)
        place = places.get(conversation.id)
        wait = estimate_wait_seconds(place, capacity, average_handle_seconds) if place else None
        return {"type": "queue", "conversation_id": conversation.id, "position": place,
                "estimated_wait_seconds": wait, "agents_online": capacity > 0}

    def tell_waiting_user(self, conversation: Conversation) -> Dict[str, Any]:
        """A user who has just joined the queue sees their place at once (on whichever hub
        they are); the updates that follow are coalesced with everyone else's."""
        frame = self.user_frame(conversation, self.repository.waiting(), self.slots())
        self.sent_positions[conversation.id] = frame
        self.broker.publish(topics.chat(conversation.id), frame)
        return frame

    def agents_frame(self) -> Dict[str, Any]:
        """The `queue` frame agents are sent: every waiting chat, in queue order."""
        return {"type": "queue", "entries": self._entries(self.repository.waiting())}

    def _entries(self, waiting: List[Conversation]) -> List[Dict[str, Any]]:
        by_id = {c.id: c for c in waiting}
        places = positions(waiting_entry(c) for c in waiting)
        entries = []
        for entry in ordered(waiting_entry(c) for c in waiting):
            card = conversation_card(by_id[entry.conversation_id], self.repository)
            card["position"] = places[entry.conversation_id]
            offer = self.offers.get(entry.conversation_id)
            card["offered"] = offer is not None
            entries.append(card)
        return entries

    # --- moving it --------------------------------------------------------------------------------

    def run(self, announce: bool = True) -> None:
        """Makes the offers that can be made now, then updates users and agents if changed;
        `announce`: the queue changed here, so the other hubs are told to look again."""
        waiting = self.repository.waiting()
        by_id = {c.id: c for c in waiting}
        # Taken on another hub, or gone back to the bot: what this hub kept of it goes too.
        kept = {*self.offers, *self.declined, *self.sent_positions}
        for conversation_id in [cid for cid in kept if cid not in by_id]:
            self.forget(conversation_id)
        # Nobody waiting, nothing to offer: the agents and their loads are not read (on every
        # tick, with messages being stored, those reads stopped the loop for 40-90 ms).
        slots = self.slots(here_only=True) if waiting else []
        current = {cid: offer.agent_id for cid, offer in self.offers.items()}
        declined = {cid: set(agents) for cid, agents in self.declined.items()}
        for conversation_id, agent_id in plan_offers(
                (waiting_entry(c) for c in waiting), slots, current, declined):
            self.offers[conversation_id] = Offer(
                agent_id, time.monotonic() + self.offer_seconds)
            self.broker.publish(topics.agent(agent_id), {
                "type": "offer",
                "conversation": conversation_card(by_id[conversation_id], self.repository),
                "expires_in_seconds": self.offer_seconds,
            })
        self._queue_changed()
        if announce:
            self.broker.publish(topics.QUEUE, {"type": "queue_changed",
                                              "hub": self.presence.hub_id})

    def deliver(self, frame: Dict[str, Any]) -> None:
        """Another hub changed the queue (the broker hands this hub's own notices back too)."""
        if frame.get("hub") == self.presence.hub_id or self.looking_again:
            return
        self.looking_again = True
        asyncio.get_running_loop().call_soon(self._look_again)

    def _look_again(self) -> None:
        self.looking_again = False
        self.run(announce=False)

    def _queue_changed(self) -> None:
        """Users and agents are told where the queue stands, coalesced (handoff/rules/throttle.py)."""
        delay = self.throttle.request(time.monotonic())
        if delay is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside the hub's loop (a script): at once
            self._broadcast()
            return
        self.broadcast_timer = loop.call_later(delay, self._broadcast)

    def _broadcast(self) -> None:
        self.broadcast_timer = None
        self.throttle.ran(time.monotonic())
        waiting = self.repository.waiting()
        slots = self.slots() if waiting else []  # only the waiting users' frames need them
        places = positions(waiting_entry(c) for c in waiting)
        average = self.repository.average_handle_seconds() if waiting else None
        for conversation in waiting:
            frame = self._user_frame(conversation, places, slots, average)
            if self.sent_positions.get(conversation.id) != frame:
                self.sent_positions[conversation.id] = frame
                self.broker.publish_local(topics.chat(conversation.id), frame)
        entries = self._entries(waiting)
        if entries != self.sent_queue:
            self.sent_queue = entries
            self.broker.publish_local(topics.AGENTS, {"type": "queue", "entries": entries})
        for then in self.after_broadcast:
            then()

    def stop(self) -> None:
        if self.broadcast_timer is not None:
            self.broadcast_timer.cancel()
            self.broadcast_timer = None

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

    def passed_over(self, conversation_id: str, agent_id: int) -> None:
        """The chat is offered to others first, as if the agent had declined it."""
        self.declined.setdefault(conversation_id, {})[agent_id] = time.monotonic()

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
        self.broker.publish(topics.agent(agent_id), {
            "type": "offer_withdrawn", "conversation_id": conversation_id, "reason": reason})

    def tick(self) -> None:
        """Expires unanswered offers, counts breaches, escalates, and moves the queue."""
        now_monotonic = time.monotonic()
        lapsed = expired_offers({cid: (offer.agent_id, offer.expires)
                                 for cid, offer in self.offers.items()}, now_monotonic)
        for conversation_id, agent_id in lapsed:
            if self.decline(conversation_id, agent_id, "expired"):
                self.on_offer_expired(conversation_id, agent_id)
        forget_before = now_monotonic - self.offer_seconds
        for conversation_id, agents in list(self.declined.items()):
            for agent_id, declined_at in list(agents.items()):
                if declined_at < forget_before:
                    del agents[agent_id]
            if not agents:
                del self.declined[conversation_id]
        now = self.clock()
        waiting = self.repository.waiting()
        for conversation in waiting:
            if not conversation.breached and conversation.deadline and now > conversation.deadline:
                self.repository.update(conversation.id, breached=True)
                self.metrics.count("bolt_hub_sla_breaches_total",
                                   priority=conversation.priority or "P4",
                                   language=conversation.language)
        by_id = {c.id: c for c in waiting}
        for conversation_id in to_escalate((waiting_entry(c) for c in waiting), now):
            try:
                _, _, escalated = self.timeline.record(
                    conversation_id, "escalated", "system", agents_only=True,
                    data={"deadline": by_id[conversation_id].deadline.isoformat() + "Z"},
                    expect={"owner": "queue", "escalated": False},
                    changes={"escalated": True, "breached": True})
            except Conflict:  # another hub escalated it, or it left the queue, just now
                continue
            self.broker.publish(topics.SUPERVISORS, {
                "type": "escalation",
                "conversation": conversation_card(escalated, self.repository)})
        self.run(announce=False)
