"""The hub's retention job: conversations (their events and notes, tickets, resolutions, files) older
than BOLT_RETENTION_DAYS are deleted, their daily counts kept; audit entries older than
BOLT_AUDIT_RETENTION_DAYS are deleted; mails to users (sent or not) older than
BOLT_RETENTION_DAYS are deleted with them. Each hub runs it every BOLT_RETENTION_SWEEP_SECONDS
(handoff/app.py), `bolt privacy retention` on demand. Rasa's trackers are swept on Rasa's side
(bot/stores/tracker_privacy.py).

Deletions run in small batches on the repository's writer thread, each its own transaction, so
that messages are stored between them; several hubs sweeping at once share the work.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Dict, List, Optional

from handoff.services.audit import RETENTION_JOB, RETENTION_SWEPT, Audit
from handoff.store import audit_log, forgetting, mail_outbox
from handoff.store.files import FileStore
from handoff.store.repository import Repository
from handoff.store.schema import utcnow

BATCH = 200


@dataclass(frozen=True)
class Cutoffs:
    conversations: datetime
    audit: datetime


class Retention:
    def __init__(self, repository: Repository, audit: Audit, days: float, audit_days: float,
                 clock: Callable[[], datetime] = utcnow, batch: int = BATCH,
                 files: Optional[FileStore] = None) -> None:
        self.repository = repository
        self.files = files  # whose bytes of deleted files go with them
        self.audit = audit
        self.days = days
        self.audit_days = audit_days
        self.clock = clock
        self.batch = batch

    def cutoffs(self) -> Cutoffs:
        now = self.clock()
        return Cutoffs(now - timedelta(days=self.days), now - timedelta(days=self.audit_days))

    def due(self) -> Dict[str, int]:
        """What a sweep now would delete (nothing is deleted)."""
        cutoffs = self.cutoffs()
        with self.repository.engine.connect() as connection:
            counts = forgetting.count_due(connection, cutoffs.conversations)
            counts["audit_entries"] = audit_log.count_before(connection, cutoffs.audit)
        return counts

    def sweep(self) -> Dict[str, int]:
        """Deletes what is due; the audit log records what went, when anything did."""
        cutoffs = self.cutoffs()
        engine = self.repository.engine
        total = {"conversations": 0, "events": 0, "tickets": 0, "attachments": 0,
                 "audit_entries": 0, "mails": 0}
        while True:
            with engine.connect() as connection:
                ids = forgetting.due_conversations(connection, cutoffs.conversations, self.batch)
            if not ids:
                break

            files_gone: List[str] = []

            def forget_batch() -> Dict[str, int]:
                with engine.begin() as connection:
                    return forgetting.forget(connection, ids, cutoffs.conversations, files_gone)

            done = self.repository.writer.call(forget_batch)
            if self.files is not None:
                self.files.drop(files_gone)
            for name, count in done.items():
                total[name] += count
            if not done["conversations"]:  # the rest are being deleted by another hub
                break

        def forget_audit() -> int:
            with engine.begin() as connection:
                return audit_log.delete_before(connection, cutoffs.audit)

        def forget_mails() -> int:
            with engine.begin() as connection:
                return mail_outbox.delete_made_before(connection, cutoffs.conversations)

        total["audit_entries"] = self.repository.writer.call(forget_audit)
        if self.files is not None:
            self.files.prune()  # bytes a crash left behind between a deletion and their drop
        total["mails"] = self.repository.writer.call(forget_mails)
        if any(total.values()):
            self.audit.record(RETENTION_JOB, RETENTION_SWEPT, retention_days=self.days,
                              audit_retention_days=self.audit_days, **total)
        return total
