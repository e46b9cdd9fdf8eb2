"""The review inbox for editors: the questions Bolt missed in one language, with personal data
masked (bolt/core/masking.py), grouped by meaning (bolt/core/question_groups.py) and ranked by
how often they came; a conversation's masked transcript; and what editors did with a group
(dismissed, added to a topic, made a new topic), kept in `review_marks`.

A dismissed question leaves the inbox; one added to a topic (or made a new one) stays, marked
with its topic, until a published model answers it with that topic (`recheck`).
`bolt content review` (bolt/cli/review.py) and the console's review page read the same.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from datetime import timedelta
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Tuple

from bolt.core.masking import mask
from bolt.core.question_groups import group
from handoff.services.missed_questions import LOW_CONFIDENCE, REASONS, Missed, missed_in
from handoff.store import review as store
from handoff.store.repository import Repository
from handoff.store.schema import utcnow

DAYS = 30.0
DISMISSED, ADDED, NEW_TOPIC, ANSWERED = "dismissed", "added", "new_topic", "answered"
GONE = (DISMISSED, ANSWERED)  # marks that take a question out of the inbox
Key = Tuple[str, int]
# What a published model says of a question: (the FAQ key it answers with, or None).
Parse = Callable[[str, str], Awaitable[Optional[str]]]


class Review:
    def __init__(self, repository: Repository, low_confidence: float = LOW_CONFIDENCE) -> None:
        self.repository = repository
        self.low_confidence = low_confidence

    def missed(self, language: str, days: float = DAYS) -> List[Tuple[Missed, Optional[dict]]]:
        """The language's missed questions not dismissed nor answered since, with their mark."""
        since = utcnow() - timedelta(days=days)
        with self.repository.engine.connect() as connection:
            conversations = store.conversations_events(connection, language, since)
            marks = store.marks(connection, language)
        found = []
        for conversation_id, held in conversations.items():
            for missed in missed_in(conversation_id, held["language"], held["user_name"],
                                    held["events"], self.low_confidence):
                mark = marks.get(missed.key)
                if mark is None or mark["state"] not in GONE:
                    found.append((missed, mark))
        return found

    def inbox(self, language: str, days: float = DAYS) -> Dict[str, Any]:
        """The groups of the language's missed questions, most asked first, masked."""
        found = self.missed(language, days)
        texts = [mask(missed.text, [missed.user_name]) for missed, _ in found]
        groups = []
        for members in group(texts):
            questions = [_question(found[i][0], texts[i], found[i][1]) for i in members]
            questions.sort(key=lambda q: q["at"], reverse=True)
            reasons = Counter(reason for q in questions for reason in q["reasons"])
            topics = {q["topic"] for q in questions if q["state"] in (ADDED, NEW_TOPIC)}
            groups.append({
                "group_id": group_id(q["conversation_id"] + ":" + str(q["seq"])
                                     for q in questions),
                "count": len(questions), "last_at": questions[0]["at"],
                "reasons": {reason: reasons[reason] for reason in REASONS if reasons[reason]},
                "waiting_for": sorted(t for t in topics if t) if all(
                    q["state"] in (ADDED, NEW_TOPIC) for q in questions) else [],
                "questions": questions,
            })
        groups.sort(key=lambda g: g["last_at"], reverse=True)
        groups.sort(key=lambda g: g["count"], reverse=True)
        return {"language": language, "days": days, "groups": groups}

    def find_group(self, language: str, wanted: str, days: float = DAYS) -> Dict[str, Any]:
        for found in self.inbox(language, days)["groups"]:
            if found["group_id"] == wanted:
                return found
        raise LookupError(f"no group {wanted} in the {language} review inbox")

    def transcript(self, conversation_id: str) -> List[Dict[str, Any]]:
        """The conversation as an editor reads it: every event users saw, with what people
        wrote masked (agents' notes are not shown to editors)."""
        conversation = self.repository.conversation(conversation_id)
        if conversation is None:
            raise LookupError(conversation_id)
        shown = []
        for event in self.repository.events_after(conversation_id, 0, internal=False):
            frame = event.as_frame()
            frame.pop("client_id", None)
            if event.text is not None:
                frame["text"] = mask(event.text, [conversation.user_name])
            shown.append(frame)
        return shown

    def mark(self, keys: Iterable[Key], language: str, state: str, topic: Optional[str],
             editor: str) -> int:
        engine = self.repository.engine

        def write() -> int:
            with engine.begin() as connection:
                return store.mark(connection, keys, language, state, topic, editor)
        return self.repository.writer.call(write)

    async def recheck(self, parse: Parse, editor: str) -> List[Key]:
        """After a publish: the questions added to a topic that the live model now answers
        with it are marked answered (they leave the inbox); the others stay."""
        with self.repository.engine.connect() as connection:
            waiting = [m for m in store.marks(connection).values()
                       if m["state"] in (ADDED, NEW_TOPIC)]
        answered: List[Key] = []
        by_language: Dict[str, List[Key]] = {}
        for mark in waiting:
            event = self.repository.event(mark["conversation_id"], mark["seq"])
            if event is None or not event.text:
                continue
            if await parse(event.text, mark["language"]) == mark["topic"]:
                key = (mark["conversation_id"], mark["seq"])
                answered.append(key)
                by_language.setdefault(mark["language"], []).append(key)
        for language, keys in by_language.items():
            self.mark(keys, language, ANSWERED, None, editor)
        return answered


def group_id(keys: Iterable[str]) -> str:
    """A group's id: from its first question, so it stays while others join the group."""
    return hashlib.sha256(min(keys).encode()).hexdigest()[:12]


def _question(missed: Missed, masked: str, mark: Optional[dict]) -> Dict[str, Any]:
    return {"conversation_id": missed.conversation_id, "seq": missed.seq, "text": masked,
            "reasons": sorted(missed.reasons, key=REASONS.index),
            "answered_topic": missed.answered_topic,
            "agent_answer": (mask(missed.agent_answer, [missed.user_name])
                             if missed.agent_answer else None),
            "at": missed.at.isoformat() + "Z",
            "state": mark["state"] if mark else None, "topic": mark["topic"] if mark else None}
