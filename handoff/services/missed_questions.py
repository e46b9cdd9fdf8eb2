"""Which user messages Bolt missed, read from a conversation's events: those it abstained on,
answered with low confidence, whose answer got "Not helpful" (the latest feedback counts), or
that led to a person (with the first thing the agent answered). What Bolt offered after a "Not
helpful" (a bot message marked `offer`) answers no question. Pure: events in, questions out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Set, Tuple

# An answer below this confidence is shown to editors although Bolt gave it
# (BOLT_REVIEW_LOW_CONFIDENCE): above the abstention threshold, or no answer is ever below it.
LOW_CONFIDENCE = 0.85
REASONS = ("abstained", "low_confidence", "not_helpful", "handoff")
# The decisions about content: the question before a hand-off is the last one of these, not
# the "a person, please" that followed it.
CONTENT_INTENTS = frozenset({"faq", "nlu_fallback", "out_of_scope", "product_question"})


@dataclass
class Missed:
    conversation_id: str
    seq: int
    language: str
    text: str
    user_name: Optional[str]
    at: datetime
    reasons: Set[str] = field(default_factory=set)
    answered_topic: Optional[str] = None  # the topic Bolt gave, when it gave one
    agent_answer: Optional[str] = None  # the first thing a person answered after a hand-off

    @property
    def key(self) -> Tuple[str, int]:
        return self.conversation_id, self.seq


def missed_in(conversation_id: str, language: str, user_name: Optional[str],
              events: List[Mapping[str, Any]],
              low_confidence: float = LOW_CONFIDENCE) -> List[Missed]:
    """The conversation's missed questions, in the order they were asked."""
    found: Dict[int, Missed] = {}
    question_of: Dict[int, Mapping[str, Any]] = {}  # a bot message's seq: the user's message
    ratings: Dict[int, str] = {}
    asked: Optional[Mapping[str, Any]] = None
    content_question: Optional[Mapping[str, Any]] = None
    waiting_for_agent: Optional[Missed] = None

    def add(event: Mapping[str, Any], reason: str) -> Missed:
        missed = found.get(event["seq"])
        if missed is None:
            missed = found[event["seq"]] = Missed(
                conversation_id, event["seq"], language, event["text"] or "", user_name,
                event["created_at"])
        missed.reasons.add(reason)
        return missed

    for event in events:
        kind, speaker, data = event["kind"], event["speaker"], event["data"] or {}
        if kind == "message" and speaker == "user":
            if not data.get("payload") and (event["text"] or "").strip():
                asked = event  # a pressed button is Bolt's own words, not a question
        elif kind == "message" and speaker == "bot" and data.get("offer"):
            continue  # the offer after a "Not helpful", and the decision of the hub's own turn
        elif kind == "message" and speaker == "bot" and asked is not None:
            question_of[event["seq"]] = asked
            decision = data.get("nlu")
            if isinstance(decision, Mapping):
                if decision.get("intent") in CONTENT_INTENTS:
                    content_question = asked
                if decision.get("abstained"):
                    add(asked, "abstained")
                elif decision.get("faq") and float(decision.get("confidence") or 0) < low_confidence:
                    add(asked, "low_confidence").answered_topic = decision["faq"]
        elif kind == "feedback" and isinstance(data.get("about_seq"), int):
            ratings[data["about_seq"]] = data.get("rating")
        elif kind == "feedback" and isinstance(data.get("about"), int):
            # Stored before ratings could change: {"about": seq, "helpful": bool}.
            ratings[data["about"]] = "helpful" if data.get("helpful") else "not_helpful"
        elif kind == "queued":
            question = content_question or asked
            if question is not None:
                waiting_for_agent = add(question, "handoff")
        elif (kind == "message" and speaker == "agent" and waiting_for_agent is not None
              and waiting_for_agent.agent_answer is None):
            waiting_for_agent.agent_answer = event["text"]
            waiting_for_agent = None
    for about, rating in ratings.items():
        if rating == "not_helpful" and about in question_of:
            add(question_of[about], "not_helpful")
    return [found[seq] for seq in sorted(found)]
