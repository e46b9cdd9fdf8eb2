"""Rasa's SQL tracker store on an SQLite file, set up for one Rasa server under load.

Rasa 3.6's `SQLTrackerStore` reads a conversation's whole current session back from the
database, through the ORM, on every message, and counts its stored events again to save; with
SQLAlchemy's defaults it also opens a new SQLite connection for each, and SQLite's rollback
journal syncs the file twice on each commit. All of it runs on Rasa's one event loop, so it
stalled every other conversation too: together over half of Rasa's CPU per message on Bolt's
load (docs/performance.md).

This store keeps Rasa's tables, rows and semantics (the same events, in the same order, the
same "latest session" rule) and changes how they are reached:
- a pool of open connections, SQLite's write-ahead log and `synchronous=NORMAL` (a commit
  survives the Rasa process dying; only a power cut can take back the last turns, and the
  transcript of record is the hub's);
- the stored events of recently active conversations kept in memory, so a message costs one
  insert and no reads. They are kept as the event objects themselves, not as their JSON:
  decoding the whole session again on every message was a fifth of Rasa's CPU in long
  conversations. Each retrieve still builds a new tracker by replaying them, as Rasa's own
  `DialogueStateTracker.copy()` does with the events it shares. The database stays the truth: a
  conversation not in memory, or a new session, is read from it.

Its retention sweep (bot/stores/tracker_privacy.py) runs in the Rasa server, and lets go of the
conversations it deleted from memory too.

It is for the embedded default: one Rasa server owns the file (with Rasa's in-memory lock
store). Several Rasa servers share PostgreSQL through Rasa's own store (bot/stores/scale_out.py).
"""
from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event
from sqlalchemy.pool import QueuePool

from bolt.core.private_files import private_file
from bot.stores.tracker_privacy import TrackerSweeps

POOL_SIZE = 4
# Conversations whose current session stays in memory (least recently used ones leave first),
# bounded in count and in the bytes of their stored events' JSON; a session bigger than
# CACHED_SESSION_BYTES is never kept, and is read from the database on each message instead.
CACHED_CONVERSATIONS = 1000
CACHED_BYTES = 64 * 2**20
CACHED_SESSION_BYTES = 2**20


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A reader in another process (a test, a backup) may hold the lock a moment: wait for it
    # rather than fail the user's message.
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class SQLiteTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, cached_conversations: int = CACHED_CONVERSATIONS,
                 cached_bytes: int = CACHED_BYTES, cached_session_bytes: int = CACHED_SESSION_BYTES,
                 **kwargs: Any) -> None:
        kwargs.setdefault("dialect", "sqlite")
        if kwargs["dialect"] != "sqlite":
            raise ValueError("SQLiteTrackerStore is for SQLite; use `type: SQL` for "
                             f"{kwargs['dialect']!r}")
        if kwargs.get("db") not in (None, "", ":memory:"):  # private before Rasa makes it
            private_file(kwargs["db"])
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, poolclass=QueuePool, pool_size=POOL_SIZE, future=True, hide_parameters=True,
            # Pooled connections go to whichever thread asks; Rasa serialises their use.
            connect_args={"check_same_thread": False})
        event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine, future=True)
        self.table = self.SQLEvent.__table__
        self.cached_conversations = cached_conversations
        self.cached_bytes = cached_bytes
        self.cached_session_bytes = min(cached_session_bytes, cached_bytes)
        # sender id -> each stored event of its latest session, in order.
        self._sessions: "OrderedDict[Text, List[Event]]" = OrderedDict()
        # sender id -> the bytes of its cached events' JSON, and their sum.
        self._sizes: Dict[Text, int] = {}
        self._cached_total = 0
        self.sweeps = TrackerSweeps(self.engine, self.forget_cached)

    def forget_cached(self, sender_ids: Any) -> None:
        for sender_id in sender_ids:
            self._forget(sender_id)

    def _forget(self, sender_id: Text) -> None:
        self._sessions.pop(sender_id, None)
        self._cached_total -= self._sizes.pop(sender_id, 0)

    # --- reading -----------------------------------------------------------------------------

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self.sweeps.start()
        stored = self._latest_session(sender_id)
        if not stored or self.domain is None:
            return None
        return DialogueStateTracker.from_events(sender_id, stored, self.domain.slots)

    def _latest_session(self, sender_id: Text) -> List[Event]:
        stored = self._sessions.get(sender_id)
        if stored is not None:
            self._sessions.move_to_end(sender_id)
            return stored
        # As Rasa's `from_dict` reads them: an event of an unknown type is left out.
        rows = self._read_latest_session(sender_id)
        stored = deserialise_events([json.loads(data) for data in rows])
        if stored:
            self._remember(sender_id, stored, sum(len(data) for data in rows))
        return stored

    def _read_latest_session(self, sender_id: Text) -> List[Text]:
        """Rasa's rule: the events from the latest session start on, or all if none started."""
        events = self.table
        session_start = sa.select(sa.func.max(events.c.timestamp)).where(
            events.c.sender_id == sender_id,
            events.c.type_name == SessionStarted.type_name).scalar_subquery()
        query = sa.select(events.c.data).where(
            events.c.sender_id == sender_id,
            sa.or_(events.c.timestamp >= session_start, session_start.is_(None)),
        ).order_by(events.c.id)
        with self.engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def _remember(self, sender_id: Text, stored: List[Event], size: int) -> None:
        self._forget(sender_id)
        if size > self.cached_session_bytes:
            return
        self._sessions[sender_id] = stored
        self._sizes[sender_id] = size
        self._cached_total += size
        while (len(self._sessions) > self.cached_conversations
               or self._cached_total > self.cached_bytes):
            self._forget(next(iter(self._sessions)))

    # --- writing -----------------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        self.sweeps.start()
        await self.stream_events(tracker)
        stored = self._latest_session(tracker.sender_id)
        # A stored session not in memory now was too big to keep: it is read anew each time.
        kept = self._sizes.get(tracker.sender_id, 0) if stored else 0
        keep = not stored or tracker.sender_id in self._sizes
        # Only the events after the stored ones: no copy of the whole session per message.
        new_events = list(itertools.islice(tracker.events, len(stored), None))
        if not new_events:
            return
        rows = [self._row(tracker.sender_id, event) for event in new_events]
        try:
            with self.engine.begin() as connection:
                connection.execute(self.table.insert(), rows)
        except Exception:
            self._forget(tracker.sender_id)  # the database decides, next time
            raise
        if any(event.type_name == SessionStarted.type_name for event in new_events):
            # A new session: which events are "latest" is the database's rule; read it anew.
            self._forget(tracker.sender_id)
        elif keep:
            stored.extend(new_events)
            self._remember(tracker.sender_id, stored,
                           kept + sum(len(row["data"]) for row in rows))

    @staticmethod
    def _row(sender_id: Text, event: Any) -> Dict[Text, Any]:
        """The row Rasa's SQLTrackerStore writes for an event."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }
