"""The hub's tables. Changed only together with a migration under handoff/migrations/versions/."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional

from sqlalchemy import (
    JSON, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String,
    Text, UniqueConstraint, false,
)
from sqlalchemy import text as sql
from sqlalchemy.orm import declarative_base

Base = declarative_base()


def utcnow() -> datetime:
    """Naive UTC: what every database keeps the same way."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Conversation(Base):
    __tablename__ = "conversations"

    id = Column(String(64), primary_key=True)
    user_id = Column(String(128), nullable=True, index=True)  # None: an anonymous visitor
    account_id = Column(String(128), nullable=True)
    user_name = Column(String(256), nullable=True)
    # The help-center token's `email` claim, when it had one: where a ticket's replies go.
    user_email = Column(String(320), nullable=True)
    resume_key_hash = Column(String(64), nullable=False)
    locale = Column(String(35), nullable=True)
    language = Column(String(8), nullable=False)
    owner = Column(String(8), nullable=False, default="bot", index=True)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=True, index=True)
    priority = Column(String(2), nullable=True)
    reason = Column(String(32), nullable=True)
    summary = Column(Text, nullable=True)
    account_card = Column(JSON, nullable=True)
    queued_at = Column(DateTime, nullable=True)
    deadline = Column(DateTime, nullable=True)
    escalated = Column(Boolean, nullable=False, default=False)
    auto_escalation = Column(Boolean, nullable=False, default=False)
    breached = Column(Boolean, nullable=False, default=False)
    assigned_at = Column(DateTime, nullable=True)
    bot_failed = Column(Boolean, nullable=False, default=False)
    rasa_resume_pending = Column(Boolean, nullable=False, default=False)
    last_seq = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    # The bot's turns (handoff/services/bot_leases.py): the last user message it took its turn
    # on, and which hub asks Rasa for the conversation until when (a random token, a lease).
    bot_turn_seq = Column(Integer, nullable=False, default=0, server_default="0")
    bot_turn_by = Column(String(64), nullable=True)
    bot_turn_until = Column(DateTime, nullable=True)
    # The last user message said while the bot held the conversation: none is owed when it is
    # no later than `bot_turn_seq`.
    bot_said_seq = Column(Integer, nullable=False, default=0, server_default="0")

    # Every change is `UPDATE ... WHERE id = :id AND last_seq = :read`: of two hubs that read the
    # same state (two agents claiming one chat), only the first commits. PostgreSQL's row lock
    # (FOR UPDATE) already serializes them; SQLite takes no lock on a read, so this is what keeps
    # the second from overwriting the first there.
    __mapper_args__ = {"version_id_col": last_seq, "version_id_generator": False}


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_events_seq"),
        UniqueConstraint("conversation_id", "client_id", name="uq_events_client_id"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), ForeignKey("conversations.id"), nullable=False)
    seq = Column(Integer, nullable=False)
    kind = Column(String(32), nullable=False)
    speaker = Column(String(8), nullable=False)  # user, bot, agent, system
    agent_name = Column(String(256), nullable=True)
    text = Column(Text, nullable=True)
    data = Column(JSON, nullable=True)
    # The sender's own id of the message, namespaced by sender, so that a resend is stored once.
    client_id = Column(String(200), nullable=True)
    agents_only = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    def as_frame(self) -> Dict[str, Any]:
        return event_frame({name: getattr(self, name) for name in EVENT_FRAME_FIELDS})


EVENT_FRAME_FIELDS = ("conversation_id", "seq", "kind", "speaker", "created_at", "agent_name",
                      "text", "data", "client_id", "agents_only")


# What an event's data may hold for agents and editors only: the NLU's decision on a bot message,
# and the next best topics after its answer (offered to the user only if it did not help).
AGENTS_ONLY_DATA = ("nlu", "next_topics")


def user_frame(frame: Dict[str, Any]) -> Dict[str, Any]:
    """An event frame as the user's socket gets it: without what is for agents only."""
    if not any(name in frame for name in AGENTS_ONLY_DATA):
        return frame
    return {name: value for name, value in frame.items() if name not in AGENTS_ONLY_DATA}


def event_frame(event: Mapping[str, Any]) -> Dict[str, Any]:
    """The `event` frame of a stored event, from its columns (docs/protocol.md)."""
    frame: Dict[str, Any] = {
        "type": "event", "conversation_id": event["conversation_id"], "seq": event["seq"],
        "kind": event["kind"], "speaker": event["speaker"],
        "at": event["created_at"].isoformat() + "Z",
    }
    if event["agent_name"]:
        frame["name"] = event["agent_name"]
    if event["text"] is not None:
        frame["text"] = event["text"]
    if event["data"]:
        frame.update(event["data"])
    if event["client_id"]:
        frame["client_id"] = event["client_id"].split(":", 2)[-1]
    if event["agents_only"]:
        frame["internal"] = True
    return frame


class Agent(Base):
    __tablename__ = "agents"

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(128), nullable=False, unique=True)
    display_name = Column(String(256), nullable=False)
    password_hash = Column(String(256), nullable=False)
    languages = Column(String(64), nullable=False)  # comma-separated language codes
    capacity = Column(Integer, nullable=False)
    supervisor = Column(Boolean, nullable=False, default=False)
    status = Column(String(8), nullable=False, default="offline")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # Removed with chats on record: kept for their history, never signed in or offered a chat.
    disabled = Column(Boolean, nullable=False, default=False, server_default=false())
    # The console's language the agent chose; None: their browser's languages decide.
    locale = Column(String(8), nullable=True)
    # Reviews Bolt's missed questions and changes what it knows (the console's review page).
    editor = Column(Boolean, nullable=False, default=False, server_default=false())

    @property
    def language_set(self) -> frozenset:
        return frozenset(code for code in self.languages.split(",") if code)

    def card(self) -> Dict[str, Any]:
        return {"name": self.name, "display_name": self.display_name,
                "languages": sorted(self.language_set), "capacity": self.capacity,
                "supervisor": self.supervisor, "editor": bool(self.editor),
                "status": self.status, "locale": self.locale}


class AgentSession(Base):
    __tablename__ = "agent_sessions"

    token_hash = Column(String(64), primary_key=True)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=False)
    expires_at = Column(DateTime, nullable=False)


class Ticket(Base):
    """A web ticket: the conversation's transcript when it was opened, its status (changed only
    through handoff/rules/ticket_status.py), its assignee and its thread (TicketMessage)."""

    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), ForeignKey("conversations.id"), nullable=False,
                             unique=True)
    status = Column(String(16), nullable=False, default="open")
    language = Column(String(8), nullable=False)
    priority = Column(String(2), nullable=True)
    reason = Column(String(32), nullable=True)
    summary = Column(Text, nullable=True)
    account_card = Column(JSON, nullable=True)
    transcript = Column(JSON, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    assignee_id = Column(Integer, ForeignKey("agents.id"), nullable=True, index=True)
    # Where replies are mailed (the token's claim or the account directory's); None: the
    # sidebar only.
    email = Column(String(320), nullable=True)
    updated_at = Column(DateTime, nullable=True)

    @property
    def public_id(self) -> str:
        return f"T-{self.id:06d}"

    def card(self, with_transcript: bool = False) -> Dict[str, Any]:
        card: Dict[str, Any] = {
            "ticket_id": self.public_id, "status": self.status,
            "conversation_id": self.conversation_id, "language": self.language,
            "priority": self.priority, "reason": self.reason, "summary": self.summary,
            "account": self.account_card, "created_at": self.created_at.isoformat() + "Z",
            "email": self.email is not None,
        }
        if with_transcript:
            card["transcript"] = self.transcript
        return card


class TicketMessage(Base):
    """One message of a ticket's thread: an agent's reply from the console or the user's answer
    from the sidebar. Deleted with its conversation (retention, erasure)."""

    __tablename__ = "ticket_messages"
    __table_args__ = (
        UniqueConstraint("ticket_id", "speaker", "client_id", name="uq_ticket_messages_client_id"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False, index=True)
    conversation_id = Column(String(64), nullable=False, index=True)
    speaker = Column(String(8), nullable=False)  # agent or user
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=True)
    agent_name = Column(String(256), nullable=True)
    text = Column(Text, nullable=False)
    client_id = Column(String(128), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    def frame(self) -> Dict[str, Any]:
        frame: Dict[str, Any] = {"id": self.id, "speaker": self.speaker, "text": self.text,
                                 "client_id": self.client_id,
                                 "at": self.created_at.isoformat() + "Z"}
        if self.agent_name:
            frame["name"] = self.agent_name
        return frame


class OutgoingMail(Base):
    """A mail waiting to go out (handoff/services/mail_outbox.py): claimed by one hub at a time
    for a lease, retried with backoff, kept once sent until the retention period ends (or its
    conversation is erased)."""

    __tablename__ = "mail_outbox"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), nullable=False, index=True)
    ticket_id = Column(Integer, nullable=False)
    kind = Column(String(16), nullable=False)  # confirmation or reply
    recipient = Column(String(320), nullable=False)
    language = Column(String(8), nullable=False)
    subject = Column(Text, nullable=False)
    body = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    claimed_by = Column(String(64), nullable=True)
    claimed_until = Column(DateTime, nullable=True)
    sent_at = Column(DateTime, nullable=True)
    last_error = Column(String(200), nullable=True)


class Resolution(Base):
    """One finished agent chat: the basis of the estimated wait."""

    __tablename__ = "resolutions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), ForeignKey("conversations.id"), nullable=False,
                             index=True)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=False)
    handle_seconds = Column(Float, nullable=False)
    resolved_at = Column(DateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    """Who did what, when and from where (handoff/services/audit.py). Only ever added to, and
    deleted only by its own retention: the database refuses an UPDATE (migration 0004)."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    actor = Column(String(128), nullable=False)
    action = Column(String(64), nullable=False)
    details = Column(JSON, nullable=False)
    origin = Column(String(128), nullable=False)  # a client address, or "command line"


class Reply(Base):
    """A canned reply agents insert by its code (handoff/services/replies.py): shared (no agent,
    everyone's, edited by supervisors) or one agent's own. A code names one reply per language
    among the shared ones, and one per language among each agent's own."""

    __tablename__ = "replies"
    __table_args__ = (
        Index("uq_replies_shared_code", "language", "code", unique=True,
              sqlite_where=sql("agent_id IS NULL"), postgresql_where=sql("agent_id IS NULL")),
        Index("uq_replies_personal_code", "agent_id", "language", "code", unique=True,
              sqlite_where=sql("agent_id IS NOT NULL"),
              postgresql_where=sql("agent_id IS NOT NULL")),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    agent_id = Column(Integer, ForeignKey("agents.id", ondelete="CASCADE"), nullable=True)
    language = Column(String(8), nullable=False)
    code = Column(String(32), nullable=False)
    text = Column(Text, nullable=False)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
    updated_by = Column(String(128), nullable=False)  # an agent's sign-in name, or "bolt"


class Attachment(Base):
    """A file sent in a conversation (handoff/services/attachments.py): what it is, and its bytes
    when the file store is the database (handoff/store/files.py); deleted with its conversation."""

    __tablename__ = "attachments"

    id = Column(String(64), primary_key=True)
    conversation_id = Column(String(64), ForeignKey("conversations.id"), nullable=False,
                             index=True)
    name = Column(String(256), nullable=False)
    content_type = Column(String(64), nullable=False)
    size = Column(Integer, nullable=False)
    width = Column(Integer, nullable=True)
    height = Column(Integer, nullable=True)
    speaker = Column(String(8), nullable=False)  # user or agent
    created_at = Column(DateTime, nullable=False, default=utcnow)
    content = Column(LargeBinary, nullable=True)  # None: kept in the folder store


class DailyCounts(Base):
    """What a day's conversations amounted to, per language, without anyone in them: added to
    as the conversations are deleted (retention or erasure), so that each counts once."""

    __tablename__ = "daily_counts"

    day = Column(Date, primary_key=True)
    language = Column(String(8), primary_key=True)
    conversations = Column(Integer, nullable=False, default=0)
    user_messages = Column(Integer, nullable=False, default=0)
    bot_messages = Column(Integer, nullable=False, default=0)
    agent_messages = Column(Integer, nullable=False, default=0)
    handed_off = Column(Integer, nullable=False, default=0)
    agent_chats = Column(Integer, nullable=False, default=0)
    resolved = Column(Integer, nullable=False, default=0)
    handle_seconds = Column(Float, nullable=False, default=0.0)
    tickets = Column(Integer, nullable=False, default=0)
    # What the reports count (handoff/rules/report_facts.py COUNTS), added by migration 0007.
    contained = Column(Integer, nullable=False, default=0, server_default="0")
    contained_confirmed = Column(Integer, nullable=False, default=0, server_default="0")
    bot_answers = Column(Integer, nullable=False, default=0, server_default="0")
    abstained = Column(Integer, nullable=False, default=0, server_default="0")
    rated_answers = Column(Integer, nullable=False, default=0, server_default="0")
    not_helpful = Column(Integer, nullable=False, default=0, server_default="0")
    handed_off_conversations = Column(Integer, nullable=False, default=0, server_default="0")
    handoffs = Column(Integer, nullable=False, default=0, server_default="0")
    assigned = Column(Integer, nullable=False, default=0, server_default="0")
    queue_seconds = Column(Float, nullable=False, default=0.0, server_default="0")
    answered = Column(Integer, nullable=False, default=0, server_default="0")
    first_response_seconds = Column(Float, nullable=False, default=0.0, server_default="0")
    resolution_seconds = Column(Float, nullable=False, default=0.0, server_default="0")
    resolved_by_timeout = Column(Integer, nullable=False, default=0, server_default="0")
    transferred = Column(Integer, nullable=False, default=0, server_default="0")
    targeted_p1 = Column(Integer, nullable=False, default=0, server_default="0")
    targeted_p2 = Column(Integer, nullable=False, default=0, server_default="0")
    targeted_p3 = Column(Integer, nullable=False, default=0, server_default="0")
    targeted_p4 = Column(Integer, nullable=False, default=0, server_default="0")
    within_target_p1 = Column(Integer, nullable=False, default=0, server_default="0")
    within_target_p2 = Column(Integer, nullable=False, default=0, server_default="0")
    within_target_p3 = Column(Integer, nullable=False, default=0, server_default="0")
    within_target_p4 = Column(Integer, nullable=False, default=0, server_default="0")
    csat_asked = Column(Integer, nullable=False, default=0, server_default="0")
    csat_responses = Column(Integer, nullable=False, default=0, server_default="0")
    csat_score_sum = Column(Integer, nullable=False, default=0, server_default="0")
    csat_satisfied = Column(Integer, nullable=False, default=0, server_default="0")


DAILY_COUNTS = tuple(column.name for column in DailyCounts.__table__.columns
                     if column.name not in ("day", "language"))


def parse_ticket_id(public_id: str) -> Optional[int]:
    if not public_id.startswith("T-") or not public_id[2:].isdigit():
        return None
    return int(public_id[2:])


class ReviewMark(Base):
    """What an editor did with one missed question (the user message at `seq`): `dismissed`, or
    `added` to a topic / made a `new_topic` (it leaves the review inbox once the live model
    answers it: `answered`). Deleted with its conversation."""

    __tablename__ = "review_marks"

    conversation_id = Column(String(64), ForeignKey("conversations.id"), primary_key=True)
    seq = Column(Integer, primary_key=True)
    language = Column(String(8), nullable=False)
    state = Column(String(16), nullable=False)
    topic = Column(String(128), nullable=True)
    editor = Column(String(128), nullable=False)  # an agent's sign-in name, or "command line"
    marked_at = Column(DateTime, nullable=False, default=utcnow)
