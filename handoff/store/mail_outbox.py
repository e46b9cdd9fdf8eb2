"""The outbox of mails (mail_outbox): added in the transaction that makes them due (a ticket
opened, an agent's reply), claimed by one hub at a time for a lease, marked sent or put back for
a later attempt, and deleted with their conversation or by the retention period.

A claim is a conditional UPDATE (the mail is unsent, due, and nobody's lease is running), so it
is the same statement on SQLite and PostgreSQL: of two hubs claiming one mail, PostgreSQL makes
the second wait for the first's commit and then finds the condition false; SQLite writes one
transaction at a time. On PostgreSQL the due mails are read FOR UPDATE SKIP LOCKED, so that a
hub passes over those another is claiming instead of waiting for them. Only the claim's own token marks it sent or failed, so a hub whose lease
ran out cannot undo the claim of the hub that took the mail over.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, List, Sequence

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.engine import Connection

from handoff.store.schema import OutgoingMail

OUTBOX = OutgoingMail.__table__
MAX_ERROR_CHARS = 200


def _claimable(now: datetime) -> Any:
    return and_(OUTBOX.c.sent_at.is_(None), OUTBOX.c.next_attempt_at <= now,
                or_(OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < now))


def enqueue(connection: Connection, **values: Any) -> int:
    return connection.execute(insert(OUTBOX).values(
        attempts=0, next_attempt_at=values["created_at"], **values)).inserted_primary_key[0]


def claim(connection: Connection, token: str, now: datetime, lease_seconds: float,
          limit: int) -> List[Dict[str, Any]]:
    """Up to `limit` due mails, now this claim's for `lease_seconds`, oldest due first."""
    query = (select(OUTBOX.c.id).where(_claimable(now))
             .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id).limit(limit))
    if connection.dialect.name == "postgresql":
        # Rows another hub is claiming right now are passed over rather than waited for.
        query = query.with_for_update(skip_locked=True)
    candidates = list(connection.execute(query).scalars())
    until = now + timedelta(seconds=lease_seconds)
    claimed = []
    for mail_id in candidates:
        taken = connection.execute(update(OUTBOX).where(OUTBOX.c.id == mail_id, _claimable(now))
                                   .values(claimed_by=token, claimed_until=until))
        if taken.rowcount == 1:
            claimed.append(mail_id)
    if not claimed:
        return []
    return [dict(row) for row in connection.execute(
        select(OUTBOX).where(OUTBOX.c.id.in_(claimed)).order_by(OUTBOX.c.id)).mappings()]


def sent(connection: Connection, mail_id: int, token: str, now: datetime) -> bool:
    done = connection.execute(update(OUTBOX).where(OUTBOX.c.id == mail_id,
                                                   OUTBOX.c.claimed_by == token)
                              .values(sent_at=now, attempts=OUTBOX.c.attempts + 1,
                                      claimed_until=None, last_error=None))
    return done.rowcount == 1


def failed(connection: Connection, mail_id: int, token: str, retry_at: datetime,
           error: str) -> bool:
    done = connection.execute(update(OUTBOX).where(OUTBOX.c.id == mail_id,
                                                   OUTBOX.c.claimed_by == token)
                              .values(attempts=OUTBOX.c.attempts + 1, next_attempt_at=retry_at,
                                      claimed_by=None, claimed_until=None,
                                      last_error=error[:MAX_ERROR_CHARS]))
    return done.rowcount == 1


def of_conversations(connection: Connection, conversation_ids: Sequence[str]
                     ) -> List[Dict[str, Any]]:
    """The mails of these conversations, as `bolt privacy export` gives them."""
    if not conversation_ids:
        return []
    rows = connection.execute(select(OUTBOX).where(
        OUTBOX.c.conversation_id.in_(list(conversation_ids))).order_by(OUTBOX.c.id)).mappings()
    return [{"ticket_id": f"T-{row['ticket_id']:06d}", "kind": row["kind"],
             "recipient": row["recipient"], "language": row["language"],
             "subject": row["subject"], "body": row["body"],
             "created_at": row["created_at"].isoformat() + "Z",
             "sent_at": row["sent_at"].isoformat() + "Z" if row["sent_at"] else None}
            for row in rows]


def delete_of(connection: Connection, conversation_ids: Sequence[str]) -> int:
    if not conversation_ids:
        return 0
    return connection.execute(delete(OUTBOX).where(
        OUTBOX.c.conversation_id.in_(list(conversation_ids)))).rowcount


def delete_made_before(connection: Connection, cutoff: datetime) -> int:
    """Mails made before the cutoff, sent or not: the retention period ends for them too."""
    return connection.execute(delete(OUTBOX).where(OUTBOX.c.created_at < cutoff)).rowcount
