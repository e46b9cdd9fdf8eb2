"""Forgetting in Rasa's tracker store: conversations past the retention period, and the
conversations of one user, read and deleted in Rasa's own `events` table (the embedded SQLite
file or the shared PostgreSQL of bot/stores/scale_out.py) with plain SQL.

Two callers, neither of them the hub (which never imports bot/):
- Rasa itself: its tracker stores (bot/stores/sqlite_trackers.py, bot/stores/retained.py) run
  `TrackerSweeps`, a sweep every BOLT_RETENTION_SWEEP_SECONDS in a worker thread;
- `bolt privacy` on the command line (bolt/privacy.py), which opens the same database by its
  URL to export, erase or sweep.

A conversation (a sender id: the hub's conversation id) is due when its newest event is older
than BOLT_RETENTION_DAYS; all of its events go together. Redis (BOLT_LOCK_STORE_URL) holds only
Rasa's short-lived conversation locks, nothing to forget.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bolt.core.settings import Settings

log = logging.getLogger(__name__)
BATCH = 500
FIRST_SWEEP_SECONDS = 60.0
DAY_SECONDS = 86400.0

# The columns of Rasa 3.6's SQLTrackerStore table that these statements use.
EVENTS = sa.Table(
    "events", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("type_name", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("data", sa.Text),
)


def has_trackers(engine: Engine) -> bool:
    """Whether Rasa has made its table there yet (it does on its first start)."""
    return sa.inspect(engine).has_table("events")


def cutoff(retention_days: float, now: Optional[float] = None) -> float:
    return (time.time() if now is None else now) - retention_days * DAY_SECONDS


def _due(cutoff_timestamp: float) -> sa.sql.Select:
    return (sa.select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id)
            .having(sa.func.max(EVENTS.c.timestamp) < cutoff_timestamp))


def count_due(connection: Connection, cutoff_timestamp: float) -> Dict[str, int]:
    due = _due(cutoff_timestamp).subquery()
    senders = connection.execute(sa.select(sa.func.count()).select_from(due)).scalar_one()
    events = connection.execute(sa.select(sa.func.count()).select_from(EVENTS).where(
        EVENTS.c.sender_id.in_(sa.select(due.c.sender_id)))).scalar_one()
    return {"conversations": senders, "events": events}


def events_of(connection: Connection, senders: Sequence[str]) -> Dict[str, List[Any]]:
    """Every stored event of those conversations, as Rasa stored it, in order."""
    found: Dict[str, List[Any]] = {}
    if not senders:
        return found
    rows = connection.execute(sa.select(EVENTS.c.sender_id, EVENTS.c.data)
                              .where(EVENTS.c.sender_id.in_(list(senders)))
                              .order_by(EVENTS.c.id))
    for sender, data in rows:
        found.setdefault(sender, []).append(json.loads(data))
    return found


def delete_senders(connection: Connection, senders: Sequence[str]) -> int:
    if not senders:
        return 0
    return connection.execute(
        sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(list(senders)))).rowcount


def sweep(engine: Engine, cutoff_timestamp: float, batch: int = BATCH) -> Tuple[List[str], int]:
    """Deletes the conversations due, a batch per transaction: (their sender ids, events)."""
    senders: List[str] = []
    events = 0
    if not has_trackers(engine):
        return senders, events
    while True:
        with engine.begin() as connection:
            due = list(connection.execute(_due(cutoff_timestamp).limit(batch)).scalars())
            events += delete_senders(connection, due)
        senders.extend(due)
        if len(due) < batch:
            return senders, events


class TrackerSweeps:
    """The retention sweep of a tracker store running in Rasa: started by the store's first
    use on Rasa's event loop, then every BOLT_RETENTION_SWEEP_SECONDS in a worker thread.
    `forget` is told the sender ids swept, so that a store's memory lets them go too."""

    def __init__(self, engine: Engine, forget: Callable[[Iterable[str]], None] = lambda _: None,
                 settings: Optional[Settings] = None) -> None:
        self.engine = engine
        self.forget = forget
        self.settings = settings or Settings.from_env()
        self.task: Optional["asyncio.Task[None]"] = None

    def start(self) -> None:
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._keep_sweeping())

    async def _keep_sweeping(self) -> None:
        interval = self.settings.retention_sweep_seconds
        await asyncio.sleep(min(interval, FIRST_SWEEP_SECONDS))
        while True:
            await self.sweep_now()
            await asyncio.sleep(interval)

    async def sweep_now(self) -> List[str]:
        try:
            senders, events = await asyncio.to_thread(
                sweep, self.engine, cutoff(self.settings.retention_days))
        except Exception:  # the next sweep tries again
            log.exception("the tracker retention sweep failed")
            return []
        self.forget(senders)
        if senders:
            log.info("retention: deleted %d events of %d conversations", events, len(senders))
        return senders
