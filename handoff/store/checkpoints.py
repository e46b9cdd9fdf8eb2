"""The hub's SQLite WAL checkpoints, taken by a thread of their own instead of inside a commit.

By default SQLite checkpoints in whichever commit finds the WAL over 1,000 pages: the hub's
writer thread then copies the WAL into the database and syncs it before that commit returns,
and every message of the group (and of the group waiting behind it) is acknowledged that much
later. Timed alone, groups of 5-20 messages had p99 9-12 ms that way and 2-5 ms with the
checkpoints taken elsewhere. The hub's connections turn the automatic checkpoint off
(`connect(url, background_checkpoints=True)`) and this thread takes a PASSIVE checkpoint every
`interval` seconds: it never blocks a writer or a reader, and runs in SQLite's C code, without
the GIL, beside the writer's commits.

A crash between checkpoints loses nothing: committed transactions are in the WAL, which the next
connection replays. On PostgreSQL there is nothing to do: `start` returns None.
"""
from __future__ import annotations

import logging
import threading
from typing import Optional

from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 0.5


class WalCheckpoints:
    def __init__(self, engine: Engine, interval: float = INTERVAL_SECONDS):
        self.engine = engine
        self.interval = interval
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="hub-wal-checkpoints", daemon=True)

    @classmethod
    def start(cls, engine: Engine, interval: float = INTERVAL_SECONDS
              ) -> Optional["WalCheckpoints"]:
        """Starts the thread for a SQLite engine; None for any other database."""
        if engine.dialect.name != "sqlite":
            return None
        checkpoints = cls(engine, interval)
        checkpoints.thread.start()
        return checkpoints

    def checkpoint(self) -> tuple:
        """One PASSIVE checkpoint: (busy, frames in the WAL, frames copied to the database)."""
        with self.engine.connect() as connection:
            return tuple(connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one())

    def stop(self) -> None:
        """Stops the thread after a last checkpoint (closing the last connection takes another)."""
        self.stopping.set()
        self.thread.join()
        self._checkpoint_logged()

    def _run(self) -> None:
        while not self.stopping.wait(self.interval):
            self._checkpoint_logged()

    def _checkpoint_logged(self) -> None:
        try:
            self.checkpoint()
        except Exception:  # the next one copies what this one did not: the thread goes on
            log.exception("a WAL checkpoint of the hub's database failed")
