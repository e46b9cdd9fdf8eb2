"""The review inbox's reads and writes: the events a missed question is found in (bot messages
with the NLU's decision, feedback, hand-offs, the messages around them), and what editors did
with each question (`review_marks`)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Tuple

from sqlalchemy import and_, delete, select
from sqlalchemy.engine import Connection

from handoff.store.schema import Conversation, Event, ReviewMark, utcnow

CONVERSATIONS = Conversation.__table__
EVENTS = Event.__table__
MARKS = ReviewMark.__table__
# The events a missed question is read from.
KINDS = ("message", "feedback", "queued")

Key = Tuple[str, int]  # a question: its conversation and the seq of the user's message


def conversations_events(connection: Connection, language: Optional[str], since: datetime,
                         conversation_id: Optional[str] = None
                         ) -> Dict[str, Dict[str, Any]]:
    """Per conversation started since `since` (in `language` if given): its language, the
    user's name, and its events of KINDS in order (agents-only events are never read)."""
    query = select(CONVERSATIONS.c.id, CONVERSATIONS.c.language, CONVERSATIONS.c.user_name
                   ).where(CONVERSATIONS.c.created_at >= since)
    if language is not None:
        query = query.where(CONVERSATIONS.c.language == language)
    if conversation_id is not None:
        query = query.where(CONVERSATIONS.c.id == conversation_id)
    found = {row.id: {"language": row.language, "user_name": row.user_name, "events": []}
             for row in connection.execute(query)}
    if not found:
        return found
    rows = connection.execute(
        select(EVENTS.c.conversation_id, EVENTS.c.seq, EVENTS.c.kind, EVENTS.c.speaker,
               EVENTS.c.text, EVENTS.c.data, EVENTS.c.created_at)
        .join(CONVERSATIONS, CONVERSATIONS.c.id == EVENTS.c.conversation_id)
        .where(CONVERSATIONS.c.id.in_(list(found)), EVENTS.c.kind.in_(KINDS),
               EVENTS.c.agents_only.is_(False))
        .order_by(EVENTS.c.conversation_id, EVENTS.c.seq)).mappings()
    for row in rows:
        found[row["conversation_id"]]["events"].append(dict(row))
    return found


def marks(connection: Connection, language: Optional[str] = None) -> Dict[Key, Dict[str, Any]]:
    query = select(MARKS)
    if language is not None:
        query = query.where(MARKS.c.language == language)
    return {(row["conversation_id"], row["seq"]): dict(row)
            for row in connection.execute(query).mappings()}


def mark(connection: Connection, keys: Iterable[Key], language: str, state: str,
         topic: Optional[str], editor: str) -> int:
    """Sets what was done with each question (one mark per question: the latest)."""
    keys = list(keys)
    for conversation_id, seq in keys:
        connection.execute(delete(MARKS).where(and_(MARKS.c.conversation_id == conversation_id,
                                                    MARKS.c.seq == seq)))
    if keys:
        connection.execute(MARKS.insert(), [
            {"conversation_id": conversation_id, "seq": seq, "language": language,
             "state": state, "topic": topic, "editor": editor, "marked_at": utcnow()}
            for conversation_id, seq in keys])
    return len(keys)


def forget(connection: Connection, conversation_ids: List[str]) -> int:
    """Deletes the marks of conversations being deleted (retention, erasure)."""
    return connection.execute(
        delete(MARKS).where(MARKS.c.conversation_id.in_(conversation_ids))).rowcount


def marks_of(connection: Connection, conversation_ids: List[str]) -> List[Dict[str, Any]]:
    """The marks of the conversations, as JSON-ready data (a user's export)."""
    return [{**row, "marked_at": row["marked_at"].isoformat() + "Z"}
            for row in connection.execute(select(MARKS).where(
                MARKS.c.conversation_id.in_(conversation_ids))
                .order_by(MARKS.c.conversation_id, MARKS.c.seq)).mappings()]
