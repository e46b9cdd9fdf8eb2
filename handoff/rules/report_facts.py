"""What one conversation amounts to in the reports, from its events alone (no clock, storage or
socket): its counts, which add up across conversations and into the daily aggregates, its waits
and times, which give percentiles while it is held, and the questions Bolt could not answer.

The events follow docs/protocol.md: `queued` starts a hand-off (its `deadline` is that hand-off's
first-response target), `agent_joined` ends a wait in the queue, the first agent message after a
hand-off is its first response, `resolved` with `"by": "timeout"` was closed by a timeout,
`feedback` and `csat` are the user's, and a bot message's `nlu` is the decision that chose it. A
bot message marked `offer` is what Bolt offered after a "Not helpful": no answer of Bolt's, its
decision (of the hub's internal turn) no answer, abstention or topic.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

PRIORITIES: Tuple[str, ...] = ("P1", "P2", "P3", "P4")
# A queue wait starts with these; an agent joining ends it.
QUEUE_STARTS = ("queued", "requeued")
SATISFIED = (4, 5)
NO_TOPIC = "none"

# What a conversation adds to its day and language: each a count or a sum of seconds. Every rate
# of the reports is one of these over another (handoff/rules/report_figures.py).
COUNTS: Tuple[str, ...] = (
    "conversations", "contained", "contained_confirmed", "bot_answers", "abstained",
    "rated_answers", "not_helpful", "handed_off_conversations", "handoffs", "assigned",
    "queue_seconds", "answered", "first_response_seconds", "resolved", "resolution_seconds",
    "resolved_by_timeout", "transferred",
    *(f"targeted_{p.lower()}" for p in PRIORITIES),
    *(f"within_target_{p.lower()}" for p in PRIORITIES),
    "csat_asked", "csat_responses", "csat_score_sum", "csat_satisfied",
)
SECONDS = ("queue_seconds", "first_response_seconds", "resolution_seconds")


@dataclass(frozen=True)
class EventRow:
    seq: int
    kind: str
    speaker: str
    at: datetime
    data: Optional[Mapping[str, Any]] = None
    text: Optional[str] = None
    agent_name: Optional[str] = None


@dataclass(frozen=True)
class ConversationRow:
    conversation_id: str
    started_at: datetime
    language: str
    priority: Optional[str]
    events: Sequence[EventRow]
    # The sign-in names of the agents who resolved it, in order.
    resolvers: Sequence[str] = ()


@dataclass
class Facts:
    conversation_id: str
    started_at: datetime
    language: str
    topic: str
    agent: Optional[str]
    priority: Optional[str]
    counts: Dict[str, float] = field(default_factory=lambda: {name: 0 for name in COUNTS})
    queue_waits: List[float] = field(default_factory=list)
    first_responses: List[float] = field(default_factory=list)
    resolutions: List[float] = field(default_factory=list)
    missed: List[str] = field(default_factory=list)  # the user's words Bolt abstained on
    csat: Optional[int] = None

    @property
    def day(self) -> date:
        return self.started_at.date()


def _parse_time(value: Any) -> Optional[datetime]:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.rstrip("Z"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def _rating(data: Mapping[str, Any]) -> Optional[Tuple[int, bool]]:
    """The answer rated and whether it helped, in either shape a `feedback` event has."""
    if isinstance(data.get("about_seq"), int) and data.get("rating") in ("helpful", "not_helpful"):
        return data["about_seq"], data["rating"] == "helpful"
    if isinstance(data.get("about"), int) and isinstance(data.get("helpful"), bool):
        return data["about"], data["helpful"]
    return None


def is_offer(event: EventRow) -> bool:
    """Whether the event is one of Bolt's messages offering more after a "Not helpful"."""
    return (event.kind == "message" and event.speaker == "bot"
            and bool((event.data or {}).get("offer")))


def _topic(events: Sequence[EventRow]) -> str:
    """The FAQ topic of Bolt's first answer that had one, else its first intent answered."""
    intents = []
    for event in events:
        nlu = (event.data or {}).get("nlu") if event.kind == "message" else None
        if is_offer(event):
            continue
        if not isinstance(nlu, Mapping) or nlu.get("abstained"):
            continue
        if nlu.get("faq"):
            return str(nlu["faq"])
        if nlu.get("intent"):
            intents.append(str(nlu["intent"]))
    return intents[0] if intents else NO_TOPIC


def question_key(text: str) -> str:
    """One missed question however it was spaced or cased."""
    return re.sub(r"\s+", " ", text).strip().casefold()


def facts_of(row: ConversationRow, as_of: datetime) -> Facts:
    """The conversation's facts; a first-response target not yet due at `as_of` and not met is
    left out of the targets (it can still be met)."""
    events = sorted(row.events, key=lambda e: e.seq)
    facts = Facts(row.conversation_id, row.started_at, row.language, _topic(events),
                  row.resolvers[0] if row.resolvers else None, row.priority)
    counts = facts.counts
    counts["conversations"] = 1
    last_user_text: Optional[str] = None
    awaiting_answer = False
    ratings: Dict[int, bool] = {}
    offers: Set[int] = set()  # the seqs of Bolt's offers after a "Not helpful": not rated answers
    queue_since: Optional[datetime] = None
    handoff: Optional[Dict[str, Any]] = None
    ticket = False

    def close_target(h: Dict[str, Any]) -> None:
        priority, deadline = h["priority"], h["deadline"]
        if priority not in PRIORITIES or deadline is None:
            return
        key = priority.lower()
        if h["answered_at"] is not None:
            counts[f"targeted_{key}"] += 1
            if h["answered_at"] <= deadline:
                counts[f"within_target_{key}"] += 1
        elif deadline < as_of:
            counts[f"targeted_{key}"] += 1

    for event in events:
        data = event.data or {}
        if event.kind == "message" and event.speaker == "user":
            last_user_text = event.text
            awaiting_answer = True
        elif is_offer(event):
            offers.add(event.seq)
        elif event.kind == "message" and event.speaker == "bot":
            nlu = data.get("nlu")
            if awaiting_answer and isinstance(nlu, Mapping):
                awaiting_answer = False
                counts["bot_answers"] += 1
                if nlu.get("abstained"):
                    counts["abstained"] += 1
                    if last_user_text:
                        facts.missed.append(last_user_text)
        elif event.kind == "message" and event.speaker == "agent":
            if handoff is not None and handoff["answered_at"] is None:
                handoff["answered_at"] = event.at
                seconds = (event.at - handoff["at"]).total_seconds()
                facts.first_responses.append(seconds)
                counts["answered"] += 1
                counts["first_response_seconds"] += seconds
        elif event.kind == "feedback":
            rating = _rating(data)
            if rating is not None and rating[0] not in offers:
                ratings[rating[0]] = rating[1]  # a later one on the same answer replaces it
        elif event.kind == "queued":
            if handoff is not None:
                close_target(handoff)
            handoff = {"at": event.at, "priority": data.get("priority") or row.priority,
                       "deadline": _parse_time(data.get("deadline")), "answered_at": None}
            counts["handoffs"] += 1
            queue_since = event.at
        elif event.kind in QUEUE_STARTS or (event.kind == "transferred"
                                            and data.get("to") in ("queue", "language")):
            queue_since = event.at
        elif event.kind == "agent_joined":
            if queue_since is not None:
                seconds = (event.at - queue_since).total_seconds()
                facts.queue_waits.append(seconds)
                counts["assigned"] += 1
                counts["queue_seconds"] += seconds
                queue_since = None
        elif event.kind == "transferred" and data.get("to") == "agent":
            counts["transferred"] += 1
        elif event.kind == "left_queue":
            queue_since = None
        elif event.kind == "ticket_opened":
            ticket = True
            queue_since = None
        elif event.kind == "resolved":
            if data.get("by") == "timeout":
                counts["resolved_by_timeout"] += 1
            else:
                counts["resolved"] += 1
                if handoff is not None:
                    seconds = (event.at - handoff["at"]).total_seconds()
                    facts.resolutions.append(seconds)
                    counts["resolution_seconds"] += seconds
            if data.get("csat"):
                counts["csat_asked"] = 1
        elif event.kind == "csat":
            score = data.get("score")
            if isinstance(score, int) and 1 <= score <= 5 and facts.csat is None:
                facts.csat = score
    if handoff is not None:
        close_target(handoff)
    counts["rated_answers"] = len(ratings)
    counts["not_helpful"] = sum(1 for helpful in ratings.values() if not helpful)
    if counts["handoffs"]:
        counts["handed_off_conversations"] = 1
    elif not ticket:
        counts["contained"] = 1
        if any(ratings.values()):
            counts["contained_confirmed"] = 1
    if facts.csat is not None and counts["csat_asked"]:
        counts["csat_responses"] = 1
        counts["csat_score_sum"] = facts.csat
        counts["csat_satisfied"] = 1 if facts.csat in SATISFIED else 0
    return facts
