"""Which user messages of a conversation the bot still owes an answer, and which hub may ask
Rasa for them. Pure: the caller gives the conversation's stored events and columns and the
clock reading; asking (handoff/services/bot_turns.py) and the lease's storage
(handoff/store/bot_turn_leases.py) are elsewhere.

A message is owed while the bot holds the conversation, when it was said after the last message
the bot took its turn on (`taken_through`, stored in the transaction that stores the turn's
answer, or when the turn ended without one: handed over, or not kept), and after the
conversation last came back to the bot (what was said to the queue or an agent is not the
bot's), and while it is younger than the bot turns' keep time. The owed messages are answered
in the order they were said. A bot message stored after a user message does not answer it by
itself: the user may say more while the bot answers, and that answer is stored after it.

One hub at a time asks for a conversation: the one holding its lease, until the lease's end. A
lease ends when its hub clears it (nothing more owed) or lapses (its hub died or stalls), and
is long enough to cover the longest of Rasa's answers the hub waits for.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, List, Optional

# The events of the moves that give the conversation back to the bot (handoff/rules/ownership.py:
# Move.RESOLVE and Move.LEAVE_QUEUE, stored by Timeline.move under these kinds).
BACK_TO_THE_BOT = frozenset({"resolved", "left_queue"})
# Rasa calls one ask may wait for in turn (resuming Rasa after a hand-off, then the message).
CALLS_PER_ASK = 2
# On top of those calls: the time to store the answer, and the clocks of two hubs disagreeing.
LEASE_MARGIN_SECONDS = 5.0
# How often a hub waiting for another's lease looks whether it was cleared before its end.
LOOK_AGAIN_SECONDS = 1.0


@dataclass(frozen=True)
class Said:
    """One stored event of the conversation, as far as the rule needs it."""

    seq: int
    kind: str
    speaker: str
    at: datetime


def owed(owner: str, taken_through: int, events: Iterable[Said], now: datetime,
         keep_seconds: float) -> List[int]:
    """The seqs of the user messages the bot still owes an answer, in the order said."""
    if owner != "bot":
        return []
    waiting: List[Said] = []
    for event in sorted(events, key=lambda said: said.seq):
        if event.seq <= taken_through:
            continue
        if event.kind in BACK_TO_THE_BOT:
            waiting = []
        elif event.kind == "message" and event.speaker == "user":
            waiting.append(event)
    oldest = now - timedelta(seconds=keep_seconds)
    return [event.seq for event in waiting if event.at >= oldest]


def may_ask(holder: Optional[str], until: Optional[datetime], me: str, now: datetime) -> bool:
    """Whether the hub `me` may ask for the conversation: nobody's lease, its own, or one that
    has lapsed."""
    return holder is None or holder == me or until is None or until <= now


def lease_seconds(rasa_timeout: float) -> float:
    """How long a claim keeps the other hubs off: one ask's Rasa calls and a margin."""
    return CALLS_PER_ASK * rasa_timeout + LEASE_MARGIN_SECONDS


def look_again_in(until: Optional[datetime], now: datetime) -> float:
    """Seconds until a hub waiting for another's lease looks again: at its end at the latest,
    sooner in case it was cleared."""
    if until is None:
        return 0.0
    return max(0.0, min(LOOK_AGAIN_SECONDS, (until - now).total_seconds()))
