"""Forgetting conversations: which are past the retention period, everything the hub holds about
one user, and deleting conversations with all that hangs on them (events, notes, tickets with
their threads, the mails about them, resolutions, editors' review marks, files), each first
counted into its day's `daily_counts`, in the same transaction.

A conversation is due when it, its last event and its ticket's last message are older than the
cutoff and nobody is working on it (it is not waiting in the queue nor held by an agent).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from handoff.rules.report_facts import COUNTS as REPORT_COUNTS, facts_of
from handoff.store.report_reads import rows_of
from handoff.store import mail_outbox, review
from handoff.store.schema import (
    DAILY_COUNTS, Attachment, Conversation, DailyCounts, Event, Resolution, Ticket,
    TicketMessage, event_frame, EVENT_FRAME_FIELDS,
)

WORKED_ON = ("queue", "agent")
CONVERSATIONS = Conversation.__table__
EVENTS = Event.__table__
TICKETS = Ticket.__table__
RESOLUTIONS = Resolution.__table__
TICKET_MESSAGES = TicketMessage.__table__
COUNTS = DailyCounts.__table__
ATTACHMENTS = Attachment.__table__
# The reports' counts the daily aggregates hold besides their own older ones.
REPORTED = tuple(name for name in REPORT_COUNTS if name in DAILY_COUNTS
                 and name not in ("conversations", "resolved"))


def _due(query: Select, cutoff: datetime) -> Select:
    last = aliased(EVENTS)
    return (query.outerjoin(last, and_(last.c.conversation_id == CONVERSATIONS.c.id,
                                       last.c.seq == CONVERSATIONS.c.last_seq))
            .where(CONVERSATIONS.c.created_at < cutoff,
                   CONVERSATIONS.c.owner.not_in(WORKED_ON),
                   or_(last.c.created_at.is_(None), last.c.created_at < cutoff),
                   ~exists().where(TICKET_MESSAGES.c.conversation_id == CONVERSATIONS.c.id,
                                   TICKET_MESSAGES.c.created_at >= cutoff)))


def due_conversations(connection: Connection, cutoff: datetime, limit: int) -> List[str]:
    query = _due(select(CONVERSATIONS.c.id), cutoff)
    return list(connection.execute(
        query.order_by(CONVERSATIONS.c.created_at).limit(limit)).scalars())


def count_due(connection: Connection, cutoff: datetime) -> Dict[str, int]:
    """What a sweep at `cutoff` would delete: conversations, events, tickets and files."""
    due = _due(select(CONVERSATIONS.c.id), cutoff).subquery()
    conversations = connection.execute(select(func.count()).select_from(due)).scalar_one()
    events = connection.execute(select(func.count()).select_from(EVENTS).where(
        EVENTS.c.conversation_id.in_(select(due.c.id)))).scalar_one()
    tickets = connection.execute(select(func.count()).select_from(TICKETS).where(
        TICKETS.c.conversation_id.in_(select(due.c.id)))).scalar_one()
    attachments = connection.execute(select(func.count()).select_from(ATTACHMENTS).where(
        ATTACHMENTS.c.conversation_id.in_(select(due.c.id)))).scalar_one()
    return {"conversations": conversations, "events": events, "tickets": tickets,
            "attachments": attachments}


def conversations_of(connection: Connection, user_id: str) -> List[str]:
    return list(connection.execute(select(CONVERSATIONS.c.id).where(
        CONVERSATIONS.c.user_id == user_id).order_by(CONVERSATIONS.c.created_at)).scalars())


def forget(connection: Connection, conversation_ids: Sequence[str],
           cutoff: Optional[datetime] = None,
           files_gone: Optional[List[str]] = None) -> Dict[str, int]:
    """Deletes the conversations, after adding them to the daily counts. With a `cutoff` (the
    retention job), only those still due, and on PostgreSQL none that another hub is deleting
    at the moment; without (an erasure), all of them, waiting for any write to them to end.
    The ids of their deleted files are added to `files_gone`, whose bytes the file store then
    drops (handoff/store/files.py)."""
    if not conversation_ids:
        return _nothing()
    query = select(CONVERSATIONS.c.id, CONVERSATIONS.c.language, CONVERSATIONS.c.created_at,
                   CONVERSATIONS.c.priority)
    if cutoff is not None:
        query = _due(query, cutoff)
    query = query.where(CONVERSATIONS.c.id.in_(list(conversation_ids)))
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(of=CONVERSATIONS, skip_locked=cutoff is not None)
    rows = connection.execute(query).all()
    ids = [row.id for row in rows]
    if not ids:
        return _nothing()
    _add_daily_counts(connection, _counts(connection, rows))
    events = connection.execute(delete(EVENTS).where(EVENTS.c.conversation_id.in_(ids))).rowcount
    connection.execute(delete(TICKET_MESSAGES).where(TICKET_MESSAGES.c.conversation_id.in_(ids)))
    mail_outbox.delete_of(connection, ids)
    tickets = connection.execute(
        delete(TICKETS).where(TICKETS.c.conversation_id.in_(ids))).rowcount
    connection.execute(delete(RESOLUTIONS).where(RESOLUTIONS.c.conversation_id.in_(ids)))
    review.forget(connection, ids)
    files = list(connection.execute(select(ATTACHMENTS.c.id).where(
        ATTACHMENTS.c.conversation_id.in_(ids))).scalars())
    connection.execute(delete(ATTACHMENTS).where(ATTACHMENTS.c.conversation_id.in_(ids)))
    if files_gone is not None:
        files_gone.extend(files)
    connection.execute(delete(CONVERSATIONS).where(CONVERSATIONS.c.id.in_(ids)))
    return {"conversations": len(ids), "events": events, "tickets": tickets,
            "attachments": len(files)}


def _nothing() -> Dict[str, int]:
    return {"conversations": 0, "events": 0, "tickets": 0, "attachments": 0}


def _counts(connection: Connection, rows: Sequence[Any]) -> Dict[Tuple[date, str], Dict[str, Any]]:
    """The daily counts the conversations add up to, per day of their start and language."""
    ids = [row.id for row in rows]
    key_of = {row.id: (row.created_at.date(), row.language) for row in rows}
    totals: Dict[Tuple[date, str], Dict[str, Any]] = defaultdict(
        lambda: {name: 0 for name in DAILY_COUNTS})
    for row in rows:
        totals[key_of[row.id]]["conversations"] += 1
    by_kind = connection.execute(
        select(EVENTS.c.conversation_id, EVENTS.c.kind, EVENTS.c.speaker, func.count())
        .where(EVENTS.c.conversation_id.in_(ids))
        .group_by(EVENTS.c.conversation_id, EVENTS.c.kind, EVENTS.c.speaker))
    for conversation_id, kind, speaker, count in by_kind:
        day = totals[key_of[conversation_id]]
        if kind == "message" and speaker in ("user", "bot", "agent"):
            day[f"{speaker}_messages"] += count
        elif kind == "queued":
            day["handed_off"] += count
        elif kind == "agent_joined":
            day["agent_chats"] += count
    for conversation_id, count, seconds in connection.execute(
            select(RESOLUTIONS.c.conversation_id, func.count(), func.sum(
                RESOLUTIONS.c.handle_seconds))
            .where(RESOLUTIONS.c.conversation_id.in_(ids))
            .group_by(RESOLUTIONS.c.conversation_id)):
        day = totals[key_of[conversation_id]]
        day["resolved"] += count
        day["handle_seconds"] += float(seconds or 0.0)
    for conversation_id in connection.execute(
            select(TICKETS.c.conversation_id).where(TICKETS.c.conversation_id.in_(ids))).scalars():
        totals[key_of[conversation_id]]["tickets"] += 1
    # What the reports count, as they count it; a first-response target not met by the time a
    # conversation is deleted was missed.
    for row in rows_of(connection, rows):
        facts = facts_of(row, datetime.max)
        day = totals[key_of[row.conversation_id]]
        for name in REPORTED:
            day[name] += facts.counts[name]
    return totals


def _add_daily_counts(connection: Connection,
                      totals: Dict[Tuple[date, str], Dict[str, Any]]) -> None:
    rows = [{"day": day, "language": language, **counts}
            for (day, language), counts in totals.items()]
    dialect = connection.dialect.name
    if dialect in ("postgresql", "sqlite"):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = insert(COUNTS).values(rows)
        connection.execute(statement.on_conflict_do_update(
            index_elements=["day", "language"],
            set_={name: COUNTS.c[name] + statement.excluded[name] for name in DAILY_COUNTS}))
        return
    for row in rows:  # another database: read, then add or insert (one hub)
        key = and_(COUNTS.c.day == row["day"], COUNTS.c.language == row["language"])
        if connection.execute(select(COUNTS.c.day).where(key)).first() is None:
            connection.execute(COUNTS.insert().values(row))
        else:
            connection.execute(COUNTS.update().where(key).values(
                {name: COUNTS.c[name] + row[name] for name in DAILY_COUNTS}))


def daily_counts(connection: Connection) -> List[Dict[str, Any]]:
    rows = connection.execute(select(COUNTS).order_by(COUNTS.c.day, COUNTS.c.language)).mappings()
    return [{**row, "day": row["day"].isoformat()} for row in rows]


def held_about(connection: Connection, user_id: str) -> Dict[str, Any]:
    """Everything the hub's database holds about the user, as JSON-ready data."""
    ids = conversations_of(connection, user_id)
    conversations = []
    for row in connection.execute(select(CONVERSATIONS).where(
            CONVERSATIONS.c.id.in_(ids)).order_by(CONVERSATIONS.c.created_at)).mappings():
        record = {name: _plain(value) for name, value in row.items()
                  if name != "resume_key_hash"}
        record["events"] = [event_frame({name: event[name] for name in EVENT_FRAME_FIELDS})
                            for event in connection.execute(
                                select(EVENTS).where(EVENTS.c.conversation_id == row["id"])
                                .order_by(EVENTS.c.seq)).mappings()]
        conversations.append(record)
    tickets = [{name: _plain(value) for name, value in row.items()}
               for row in connection.execute(select(TICKETS).where(
                   TICKETS.c.conversation_id.in_(ids)).order_by(TICKETS.c.id)).mappings()]
    for ticket in tickets:
        ticket["thread"] = [{name: _plain(value) for name, value in row.items()
                             if name not in ("agent_id", "ticket_id")}
                            for row in connection.execute(select(TICKET_MESSAGES).where(
                                TICKET_MESSAGES.c.ticket_id == ticket["id"])
                                .order_by(TICKET_MESSAGES.c.id)).mappings()]
    resolutions = [{name: _plain(value) for name, value in row.items()}
                   for row in connection.execute(select(RESOLUTIONS).where(
                       RESOLUTIONS.c.conversation_id.in_(ids))
                       .order_by(RESOLUTIONS.c.id)).mappings()]
    files = [{name: _plain(value) for name, value in row.items()}
             for row in connection.execute(
                 select(*[column for column in ATTACHMENTS.c if column.name != "content"])
                 .where(ATTACHMENTS.c.conversation_id.in_(ids))
                 .order_by(ATTACHMENTS.c.created_at)).mappings()]
    return {"conversations": conversations, "tickets": tickets, "resolutions": resolutions,
            "review_marks": review.marks_of(connection, ids), "files": files,
            "mails": mail_outbox.of_conversations(connection, ids)}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    return value

