"""The audit log: who did what, when and from where.

Recorded: agent administration (`bolt agents`), what agents do beyond their own chats (claiming
a waiting chat, transferring one, a supervisor reading a chat that is not theirs, joining one
silently, taking one over or giving it to another agent), the agents flagged for leaving a chat
unanswered, the shared replies supervisors add, edit and delete, the reports supervisors export,
what editors do with the review inbox's questions (added to a topic, a new topic, dismissed),
who a ticket is assigned to (by a supervisor, or to the agent who answers it first), content
published and rolled back, a user's data exported or erased, the retention job's deletions, and
the hub's
settings that decide who may do what, whenever a hub starts with them changed. Each entry has an
actor (an agent's sign-in name, the operating-system user of the command line, or `bolt` for the
hub's own jobs), an action from ACTIONS, a small JSON object of details, and an origin (the
client's address, `command line`, or the job).

Nothing edits an entry: there is no such path in the code (handoff/store/audit_log.py is the
only module that reaches the table), no frame for it, and the database refuses an UPDATE. Entries
older than BOLT_AUDIT_RETENTION_DAYS are deleted by the retention job (handoff/services/
retention.py). Supervisors read the log with the `audit` frame, operators with `bolt audit`.
"""
from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional

from bolt.core.jsontext import dumps
from handoff.store import audit_log
from handoff.store.schema import utcnow

if TYPE_CHECKING:
    from handoff.store.repository import Repository

AGENT_ADDED = "agent.added"
AGENT_PASSWORD_CHANGED = "agent.password_changed"
AGENT_DISABLED = "agent.disabled"
AGENT_REMOVED = "agent.removed"
CHAT_CLAIMED = "chat.claimed"
CHAT_TRANSFERRED = "chat.transferred"
CHAT_VIEWED = "chat.viewed"
CHAT_JOINED = "chat.joined"
CHAT_TAKEN_OVER = "chat.taken_over"
CHAT_REASSIGNED = "chat.reassigned"
AGENT_FLAGGED = "agent.flagged"
CONTENT_PUBLISHED = "content.published"
CONTENT_ROLLED_BACK = "content.rolled_back"
DATA_EXPORTED = "privacy.exported"
DATA_ERASED = "privacy.erased"
RETENTION_SWEPT = "retention.swept"
SETTINGS_CHANGED = "settings.changed"
REPLY_CREATED = "reply.created"
REPLY_EDITED = "reply.edited"
REPLY_DELETED = "reply.deleted"
REPORTS_EXPORTED = "reports.exported"
REVIEW_ADDED = "review.added"
REVIEW_NEW_TOPIC = "review.new_topic"
REVIEW_DISMISSED = "review.dismissed"
TICKET_ASSIGNED = "ticket.assigned"
ACTIONS = frozenset({
    AGENT_ADDED, AGENT_PASSWORD_CHANGED, AGENT_DISABLED, AGENT_REMOVED, CHAT_CLAIMED,
    CHAT_TRANSFERRED, CHAT_VIEWED, CONTENT_PUBLISHED, DATA_EXPORTED, DATA_ERASED, RETENTION_SWEPT,
    SETTINGS_CHANGED, REPLY_CREATED, REPLY_EDITED, REPLY_DELETED, REPORTS_EXPORTED,
    CHAT_JOINED, CHAT_TAKEN_OVER, CHAT_REASSIGNED, AGENT_FLAGGED, TICKET_ASSIGNED,
    CONTENT_ROLLED_BACK, REVIEW_ADDED, REVIEW_NEW_TOPIC, REVIEW_DISMISSED,
})
# Details are a few names and numbers; anything larger is a mistake, refused before it is kept.
MAX_DETAILS_BYTES = 4096
MAX_ENTRIES = 500
COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Actor:
    name: str
    origin: str


HUB = Actor("bolt", "hub")
RETENTION_JOB = Actor("bolt", "retention job")


def agent_actor(name: str, address: Optional[str]) -> Actor:
    return Actor(name, address or "unknown address")


def command_line_actor() -> Actor:
    """The operating-system user running `bolt`: the help center's operator."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (a bare container)
        user = "unknown user"
    return Actor(user, COMMAND_LINE)


class Audit:
    """Adds entries (on the repository's writer thread, committed before it returns) and reads
    them."""

    def __init__(self, repository: Repository, clock: Callable[[], datetime] = utcnow) -> None:
        self.repository = repository
        self.clock = clock

    def record(self, actor: Actor, action: str, **details: Any) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        if len(dumps(details).encode("utf-8")) > MAX_DETAILS_BYTES:
            raise ValueError(f"the details of {action} exceed {MAX_DETAILS_BYTES} bytes")
        at = self.clock()
        engine = self.repository.engine

        def add() -> None:
            with engine.begin() as connection:
                audit_log.add(connection, at, actor.name[:128], action, details,
                              actor.origin[:128])

        self.repository.writer.call(add)

    def entries(self, since: Optional[datetime] = None, actor: Optional[str] = None,
                action: Optional[str] = None, limit: int = 100,
                before: Optional[int] = None) -> List[Dict[str, Any]]:
        """The newest first (older than entry `before`, for the next page), at most
        MAX_ENTRIES."""
        with self.repository.engine.connect() as connection:
            return audit_log.read(connection, since, actor, action, min(limit, MAX_ENTRIES),
                                  before)

    def record_settings(self, settings: Mapping[str, Any]) -> bool:
        """Records the access settings a hub starts with when they differ from the last
        recorded (True)."""
        with self.repository.engine.connect() as connection:
            last = audit_log.latest(connection, SETTINGS_CHANGED)
        if last is not None and last["details"] == dict(settings):
            return False
        self.record(HUB, SETTINGS_CHANGED, **settings)
        return True
