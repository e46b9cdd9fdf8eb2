"""What the reports read, the same SQLAlchemy Core on SQLite and PostgreSQL: the conversations of a
period still held, with their events and who resolved them (handoff/rules/report_facts.py makes
their facts), and the daily aggregates of those already deleted.

A period is whole days, UTC, by when each conversation started, as the daily aggregates count.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from handoff.rules.report_facts import ConversationRow, EventRow
from handoff.store.schema import Agent, Conversation, DailyCounts, Event, Resolution

CONVERSATIONS = Conversation.__table__
EVENTS = Event.__table__
RESOLUTIONS = Resolution.__table__
AGENTS = Agent.__table__
COUNTS = DailyCounts.__table__
# Conversations whose events are read in one query.
BATCH = 500


def bounds(first: date, last: date) -> tuple:
    """The period from `first`'s midnight to the midnight after `last` (UTC, naive)."""
    return datetime.combine(first, time.min), datetime.combine(last + timedelta(days=1), time.min)


def conversation_rows(connection: Connection, first: date, last: date,
                      language: Optional[str] = None) -> List[ConversationRow]:
    start, end = bounds(first, last)
    query = (select(CONVERSATIONS.c.id, CONVERSATIONS.c.created_at, CONVERSATIONS.c.language,
                    CONVERSATIONS.c.priority)
             .where(CONVERSATIONS.c.created_at >= start, CONVERSATIONS.c.created_at < end)
             .order_by(CONVERSATIONS.c.created_at, CONVERSATIONS.c.id))
    if language:
        query = query.where(CONVERSATIONS.c.language == language)
    heads = connection.execute(query).all()
    return rows_of(connection, heads)


def rows_of(connection: Connection, heads: Sequence[Any]) -> List[ConversationRow]:
    """The report rows of conversations given as (id, created_at, language, priority)."""
    rows: List[ConversationRow] = []
    for offset in range(0, len(heads), BATCH):
        batch = heads[offset:offset + BATCH]
        ids = [head.id for head in batch]
        events: Dict[str, List[EventRow]] = defaultdict(list)
        for event in connection.execute(
                select(EVENTS.c.conversation_id, EVENTS.c.seq, EVENTS.c.kind, EVENTS.c.speaker,
                       EVENTS.c.created_at, EVENTS.c.data, EVENTS.c.text, EVENTS.c.agent_name)
                .where(EVENTS.c.conversation_id.in_(ids))
                .order_by(EVENTS.c.conversation_id, EVENTS.c.seq)):
            events[event.conversation_id].append(EventRow(
                event.seq, event.kind, event.speaker, event.created_at, event.data,
                event.text, event.agent_name))
        resolvers: Dict[str, List[str]] = defaultdict(list)
        for conversation_id, name in connection.execute(
                select(RESOLUTIONS.c.conversation_id, AGENTS.c.name)
                .join(AGENTS, AGENTS.c.id == RESOLUTIONS.c.agent_id)
                .where(RESOLUTIONS.c.conversation_id.in_(ids))
                .order_by(RESOLUTIONS.c.id)):
            resolvers[conversation_id].append(name)
        rows.extend(ConversationRow(head.id, head.created_at, head.language, head.priority,
                                    events[head.id], resolvers[head.id]) for head in batch)
    return rows


def aggregate_rows(connection: Connection, first: date, last: date,
                   language: Optional[str] = None) -> List[Dict[str, Any]]:
    query = (select(COUNTS).where(COUNTS.c.day >= first, COUNTS.c.day <= last)
             .order_by(COUNTS.c.day, COUNTS.c.language))
    if language:
        query = query.where(COUNTS.c.language == language)
    return [dict(row) for row in connection.execute(query).mappings()]


def oldest_held(connection: Connection) -> Optional[date]:
    """The day the oldest conversation still held started (earlier days are aggregates only)."""
    oldest = connection.execute(select(func.min(CONVERSATIONS.c.created_at))).scalar()
    return oldest.date() if oldest is not None else None
