"""The bot turns' columns of a conversation (migration 0012): the lease of the hub asking Rasa
for it (`bot_turn_by`, `bot_turn_until`) and the last user message the bot took its turn on
(`bot_turn_seq`).

A claim is a conditional UPDATE (nobody else's lease is running), the same statement on SQLite
and PostgreSQL, as the mail outbox's (handoff/store/mail_outbox.py): of two hubs claiming one
conversation, PostgreSQL makes the second wait for the first's commit and then finds the
condition false; SQLite writes one transaction at a time. Only the lease's own token renews,
advances or clears it, so a hub whose lease lapsed cannot undo the claim of the hub that took
the conversation over. A lease holds no personal data: a random token and a time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.engine import Connection

from handoff.rules.bot_backlog import BACK_TO_THE_BOT, Said, may_ask, owed
from handoff.store.schema import Conversation, Event

CONVERSATIONS = Conversation.__table__
EVENTS = Event.__table__


@dataclass(frozen=True)
class Owed:
    """A user message the bot owes an answer: what is asked of Rasa."""

    seq: int
    text: str


@dataclass(frozen=True)
class Claim:
    taken: bool
    # When not taken: the end of the other hub's lease (None: no such conversation).
    until: Optional[datetime] = None
    # When taken: the messages owed, in order, of those stored up to `through` (later ones were
    # stored after the claim read them).
    owed: List[Owed] = field(default_factory=list)
    through: int = 0


def _free(token: str, now: datetime) -> Any:
    c = CONVERSATIONS.c
    return or_(c.bot_turn_by.is_(None), c.bot_turn_by == token, c.bot_turn_until.is_(None),
               c.bot_turn_until <= now)


def claim(connection: Connection, conversation_id: str, token: str, now: datetime,
          lease_seconds: float, keep_seconds: float) -> Claim:
    """The conversation's lease for `lease_seconds`, with the messages owed, unless another
    hub's lease is running."""
    c = CONVERSATIONS.c
    row = connection.execute(select(c.owner, c.bot_turn_seq, c.bot_turn_by, c.bot_turn_until,
                                    c.last_seq).where(c.id == conversation_id)).one_or_none()
    if row is None:
        return Claim(False)
    if not may_ask(row.bot_turn_by, row.bot_turn_until, token, now):
        return Claim(False, row.bot_turn_until)
    taken = connection.execute(update(CONVERSATIONS).where(
        c.id == conversation_id, _free(token, now)).values(
        bot_turn_by=token, bot_turn_until=now + timedelta(seconds=lease_seconds)))
    if taken.rowcount != 1:  # another hub claimed it in between
        until = connection.execute(select(c.bot_turn_until).where(
            c.id == conversation_id)).scalar_one_or_none()
        return Claim(False, until)
    return Claim(True, owed=_owed(connection, conversation_id, row.owner, row.bot_turn_seq,
                                  now, keep_seconds), through=row.last_seq)


def owed_now(connection: Connection, conversation_id: str, now: datetime,
             keep_seconds: float) -> List[Owed]:
    """What the bot owes the conversation now, read without claiming anything."""
    c = CONVERSATIONS.c
    row = connection.execute(select(c.owner, c.bot_turn_seq)
                             .where(c.id == conversation_id)).one_or_none()
    if row is None:
        return []
    return _owed(connection, conversation_id, row.owner, row.bot_turn_seq, now, keep_seconds)


def held_by(connection: Connection, conversation_id: str, token: str, now: datetime,
            keep_seconds: float) -> Optional[Tuple[List[Owed], int]]:
    """What is owed, and up to which seq it was read, when the lease is `token`'s and runs
    (the hub's claim came with a message: handoff/store/appends.py); None otherwise."""
    c = CONVERSATIONS.c
    row = connection.execute(select(c.owner, c.bot_turn_seq, c.bot_turn_by, c.bot_turn_until,
                                    c.last_seq).where(c.id == conversation_id)).one_or_none()
    if row is None or row.bot_turn_by != token or row.bot_turn_until is None or (
            row.bot_turn_until <= now):
        return None
    return (_owed(connection, conversation_id, row.owner, row.bot_turn_seq, now, keep_seconds),
            row.last_seq)


def holder(connection: Connection, conversation_id: str
           ) -> Optional[Tuple[Optional[str], Optional[datetime]]]:
    """(whose lease, until when) of the conversation; None when there is no such conversation."""
    c = CONVERSATIONS.c
    row = connection.execute(select(c.bot_turn_by, c.bot_turn_until)
                             .where(c.id == conversation_id)).one_or_none()
    return None if row is None else (row.bot_turn_by, row.bot_turn_until)


def _owed(connection: Connection, conversation_id: str, owner: str, taken_through: int,
          now: datetime, keep_seconds: float) -> List[Owed]:
    e = EVENTS.c
    events = list(connection.execute(
        select(e.seq, e.kind, e.speaker, e.text, e.data, e.created_at).where(
            e.conversation_id == conversation_id, e.seq > taken_through,
            or_(e.kind == "message", e.kind.in_(sorted(BACK_TO_THE_BOT))))
        .order_by(e.seq)))
    seqs = owed(owner, taken_through,
                [Said(event.seq, event.kind, event.speaker, event.created_at)
                 for event in events], now, keep_seconds)
    said = {event.seq: event for event in events}
    return [Owed(seq, _asked_text(said[seq].text, said[seq].data)) for seq in seqs]


def _asked_text(text: Optional[str], data: Optional[Dict[str, Any]]) -> str:
    """What the hub sends Rasa for a stored message: a button's payload, else the text."""
    return (data or {}).get("payload") or text or ""


def renew(connection: Connection, conversation_id: str, token: str, now: datetime,
          lease_seconds: float) -> bool:
    c = CONVERSATIONS.c
    return connection.execute(update(CONVERSATIONS).where(
        c.id == conversation_id, c.bot_turn_by == token).values(
        bot_turn_until=now + timedelta(seconds=lease_seconds))).rowcount == 1


def advance(connection: Connection, conversation_id: str, token: str, seq: int,
            release: bool) -> bool:
    """The bot took its turn on every message up to `seq`; the lease cleared if `release`."""
    c = CONVERSATIONS.c
    values: Dict[str, Any] = {"bot_turn_seq": case((c.bot_turn_seq < seq, seq),
                                                   else_=c.bot_turn_seq)}
    if release:
        values.update(bot_turn_by=None, bot_turn_until=None)
    return connection.execute(update(CONVERSATIONS).where(
        c.id == conversation_id, c.bot_turn_by == token).values(values)).rowcount == 1


def release(connection: Connection, conversation_id: str, token: str) -> bool:
    c = CONVERSATIONS.c
    return connection.execute(update(CONVERSATIONS).where(
        and_(c.id == conversation_id, c.bot_turn_by == token)).values(
        bot_turn_by=None, bot_turn_until=None)).rowcount == 1
