"""Reads of conversations as agents look them up after the fact: a customer's conversations
with their tickets, the record of each (when it started, who holds it, its first words), and a
whole transcript."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from handoff.store.schema import (
    Conversation, Event, Resolution, Ticket, event_frame, EVENT_FRAME_FIELDS,
)

CONVERSATIONS = Conversation.__table__
EVENTS = Event.__table__
TICKETS = Ticket.__table__
RESOLUTIONS = Resolution.__table__
# Characters of the first user message shown in a conversation's record.
PREVIEW_CHARS = 160
# A customer's conversations listed at most (the newest).
MOST_CONVERSATIONS = 50


def iso(moment: Any) -> Optional[str]:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def customer_conversations(connection: Connection, user_id: str, leave_out: str,
                           most: int = MOST_CONVERSATIONS) -> List[str]:
    """The user's conversations but `leave_out`, newest first."""
    return list(connection.execute(
        select(CONVERSATIONS.c.id)
        .where(CONVERSATIONS.c.user_id == user_id, CONVERSATIONS.c.id != leave_out)
        .order_by(CONVERSATIONS.c.created_at.desc(), CONVERSATIONS.c.id.desc())
        .limit(most)).scalars())


def records(connection: Connection, conversation_ids: Sequence[str]) -> Dict[str, Dict[str, Any]]:
    """Each conversation's record: what a list of conversations shows of it."""
    if not conversation_ids:
        return {}
    ids = list(conversation_ids)
    tickets = {row.conversation_id: {"ticket_id": f"T-{row.id:06d}", "status": row.status}
               for row in connection.execute(
                   select(TICKETS.c.conversation_id, TICKETS.c.id, TICKETS.c.status)
                   .where(TICKETS.c.conversation_id.in_(ids)))}
    resolved = set(connection.execute(
        select(RESOLUTIONS.c.conversation_id).where(RESOLUTIONS.c.conversation_id.in_(ids))
        .distinct()).scalars())
    first = (select(EVENTS.c.conversation_id, func.min(EVENTS.c.seq).label("seq"))
             .where(EVENTS.c.conversation_id.in_(ids), EVENTS.c.kind == "message",
                    EVENTS.c.speaker == "user")
             .group_by(EVENTS.c.conversation_id).subquery())
    previews = {row.conversation_id: row.text for row in connection.execute(
        select(EVENTS.c.conversation_id, EVENTS.c.text).join(first, and_(
            EVENTS.c.conversation_id == first.c.conversation_id,
            EVENTS.c.seq == first.c.seq)))}
    found: Dict[str, Dict[str, Any]] = {}
    for row in connection.execute(select(CONVERSATIONS).where(CONVERSATIONS.c.id.in_(ids))):
        preview = previews.get(row.id) or ""
        found[row.id] = {
            "conversation_id": row.id, "started_at": iso(row.created_at),
            "language": row.language, "owner": row.owner, "priority": row.priority,
            "reason": row.reason, "summary": row.summary,
            "first_message": (preview[:PREVIEW_CHARS - 1] + "…" if len(preview) > PREVIEW_CHARS
                              else preview),
            "user": {"user_id": row.user_id, "account_id": row.account_id,
                     "name": row.user_name, "anonymous": row.user_id is None},
            "resolved": row.id in resolved, "ticket": tickets.get(row.id),
            "last_seq": row.last_seq,
        }
    return found


def transcript(connection: Connection, conversation_id: str) -> List[Dict[str, Any]]:
    """Every event of the conversation as `event` frames, notes included."""
    return [event_frame({name: row[name] for name in EVENT_FRAME_FIELDS})
            for row in connection.execute(
                select(EVENTS).where(EVENTS.c.conversation_id == conversation_id)
                .order_by(EVENTS.c.seq)).mappings()]


def found_events(connection: Connection, event_ids: Sequence[int]) -> Dict[int, Dict[str, Any]]:
    """The events search found, by id: what a result shows of its match."""
    if not event_ids:
        return {}
    return {row.id: {"seq": row.seq, "kind": row.kind, "speaker": row.speaker,
                     "name": row.agent_name, "text": row.text or "", "at": iso(row.created_at),
                     "internal": bool(row.agents_only)}
            for row in connection.execute(
                select(EVENTS.c.id, EVENTS.c.seq, EVENTS.c.kind, EVENTS.c.speaker,
                       EVENTS.c.agent_name, EVENTS.c.text, EVENTS.c.created_at,
                       EVENTS.c.agents_only)
                .where(EVENTS.c.id.in_(list(event_ids))))}
