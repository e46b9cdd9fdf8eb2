"""The queue's rules, free of storage and sockets: order, offers, positions, waits, escalation."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

PRIORITIES: Tuple[str, ...] = ("P1", "P2", "P3", "P4")


@dataclass(frozen=True)
class Waiting:
    """A conversation the queue holds."""

    conversation_id: str
    language: str
    priority: str
    deadline: datetime
    escalated: bool = False
    auto_escalation: bool = False

    def breached(self, now: datetime) -> bool:
        return now > self.deadline


@dataclass(frozen=True)
class AgentSlot:
    """What the dispatcher needs to know of an agent."""

    agent_id: int
    languages: FrozenSet[str]
    capacity: int
    load: int  # chats held plus offers waiting for an answer
    available: bool  # status online and a socket connected

    def can_take(self, language: str) -> bool:
        return self.available and language in self.languages and self.load < self.capacity


def order_key(waiting: Waiting) -> tuple:
    # Escalated chats go to the front; then P1 first; then the earliest first-response deadline.
    return (not waiting.escalated, PRIORITIES.index(waiting.priority), waiting.deadline,
            waiting.conversation_id)


def ordered(waiting: Iterable[Waiting]) -> List[Waiting]:
    return sorted(waiting, key=order_key)


def positions(waiting: Iterable[Waiting]) -> Dict[str, int]:
    """Conversation id -> its place (1 = next) among the chats waiting for the same language."""
    counters: Dict[str, int] = {}
    places: Dict[str, int] = {}
    for entry in ordered(waiting):
        counters[entry.language] = counters.get(entry.language, 0) + 1
        places[entry.conversation_id] = counters[entry.language]
    return places


def choose_agent(
    waiting: Waiting, agents: Iterable[AgentSlot], excluded: FrozenSet[int] = frozenset()
) -> Optional[AgentSlot]:
    """The least-loaded available agent who speaks the chat's language and has room."""
    candidates = [a for a in agents if a.can_take(waiting.language) and a.agent_id not in excluded]
    if not candidates:
        return None
    return min(candidates, key=lambda a: (a.load / a.capacity, a.load, a.agent_id))


def plan_offers(
    waiting: Iterable[Waiting],
    agents: Sequence[AgentSlot],
    offered: Mapping[str, int],
    declined: Mapping[str, Set[int]],
) -> List[Tuple[str, int]]:
    """New offers (conversation id, agent id), in queue order, each counted against the agent."""
    slots = {agent.agent_id: agent for agent in agents}
    offers: List[Tuple[str, int]] = []
    for entry in ordered(waiting):
        if entry.conversation_id in offered:
            continue
        excluded = frozenset(declined.get(entry.conversation_id, set()))
        agent = choose_agent(entry, slots.values(), excluded)
        if agent is None:
            continue
        offers.append((entry.conversation_id, agent.agent_id))
        slots[agent.agent_id] = replace(agent, load=agent.load + 1)
    return offers


def capacity_for(language: str, agents: Iterable[AgentSlot]) -> int:
    """Chats at once that the available agents speaking `language` can hold."""
    return sum(a.capacity for a in agents if a.available and language in a.languages)


def estimate_wait_seconds(
    position: int, capacity: int, average_handle_seconds: Optional[float]
) -> Optional[int]:
    """Each of `capacity` seats frees up once per average chat; None without a basis."""
    if average_handle_seconds is None or capacity <= 0 or position <= 0:
        return None
    return int(round(math.ceil(position / capacity) * average_handle_seconds))


def to_escalate(waiting: Iterable[Waiting], now: datetime) -> List[str]:
    """Chats entitled to automatic escalation whose deadline has passed and not yet escalated."""
    return [w.conversation_id for w in ordered(waiting)
            if w.auto_escalation and not w.escalated and w.breached(now)]
