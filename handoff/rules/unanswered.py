"""When an agent has left a chat unanswered too long: an offer not accepted in its time, or a
held chat whose user waits for the agent's answer longer than the answer time. Pure: the caller
gives the times and the clock reading; what follows (the agent flagged, the chat offered to or
requeued for someone else) is the Dispatcher's and the Supervision's."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, List, Mapping, Optional, Tuple

OFFERED = "offered"
HELD = "held"


@dataclass(frozen=True)
class HeldChat:
    conversation_id: str
    agent_id: int
    assigned_at: datetime
    # The agent's last message since they were given the chat (None: not a word yet).
    answered_at: Optional[datetime]
    # The user's first message after that answer (after the assignment, if none).
    user_wrote_at: Optional[datetime]


@dataclass(frozen=True)
class Lapse:
    conversation_id: str
    agent_id: int
    kind: str  # OFFERED or HELD
    since: datetime


def waiting_since(chat: HeldChat) -> Optional[datetime]:
    """Since when the user waits for the agent holding the chat: from the assignment until the
    agent's first word, then from each user message the agent has not answered; None when the
    agent had the last word."""
    if chat.answered_at is None:
        return chat.assigned_at
    if chat.user_wrote_at is not None and chat.user_wrote_at > chat.answered_at:
        return chat.user_wrote_at
    return None


def unanswered_held(chats: Iterable[HeldChat], now: datetime,
                    answer_seconds: float) -> List[Lapse]:
    """The held chats whose user has waited `answer_seconds` or more (none when it is 0)."""
    if answer_seconds <= 0:
        return []
    limit = timedelta(seconds=answer_seconds)
    lapses = []
    for chat in chats:
        since = waiting_since(chat)
        if since is not None and now - since >= limit:
            lapses.append(Lapse(chat.conversation_id, chat.agent_id, HELD, since))
    return lapses


def expired_offers(offers: Mapping[str, Tuple[int, float]], now: float) -> List[Tuple[str, int]]:
    """(conversation, agent) of each offer whose time is up: `offers` maps a conversation to
    the agent it is offered to and when the offer expires, on the same clock as `now`."""
    return [(conversation_id, agent_id)
            for conversation_id, (agent_id, expires) in offers.items() if expires <= now]
