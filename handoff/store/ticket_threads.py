"""The tickets' table and their threads (ticket_messages): cards as agents and users get them,
the live tickets, a user's own, and a change of status or assignee made only when the ticket
still has the status it was read with (handoff/services/tickets.py decides which change)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from handoff.store.schema import Agent, Conversation, Ticket, TicketMessage

TICKETS = Ticket.__table__
MESSAGES = TicketMessage.__table__
AGENTS = Agent.__table__
CONVERSATIONS = Conversation.__table__
CLOSED = "closed"

# A ticket's row with the sign-in name of its assignee and its conversation's user.
WITH_NAMES = (select(TICKETS, AGENTS.c.name.label("assignee"),
                     CONVERSATIONS.c.user_id, CONVERSATIONS.c.account_id,
                     CONVERSATIONS.c.user_name)
              .outerjoin(AGENTS, AGENTS.c.id == TICKETS.c.assignee_id)
              .join(CONVERSATIONS, CONVERSATIONS.c.id == TICKETS.c.conversation_id))


def public_id(number: int) -> str:
    return f"T-{number:06d}"


def card(row: Mapping[str, Any], with_transcript: bool = False) -> Dict[str, Any]:
    """A ticket as agents get it (docs/protocol.md)."""
    shown: Dict[str, Any] = {
        "ticket_id": public_id(row["id"]), "status": row["status"],
        "conversation_id": row["conversation_id"], "language": row["language"],
        "priority": row["priority"], "reason": row["reason"], "summary": row["summary"],
        "account": row["account_card"], "created_at": row["created_at"].isoformat() + "Z",
        "updated_at": (row["updated_at"] or row["created_at"]).isoformat() + "Z",
        "assignee": row["assignee"], "email": row["email"] is not None,
    }
    if with_transcript:
        shown["transcript"] = row["transcript"]
    return shown


def one(connection: Connection, number: int) -> Optional[Dict[str, Any]]:
    row = connection.execute(WITH_NAMES.where(TICKETS.c.id == number)).mappings().first()
    return dict(row) if row is not None else None


def live(connection: Connection) -> List[Dict[str, Any]]:
    """Every ticket not closed, oldest first."""
    return [dict(row) for row in connection.execute(
        WITH_NAMES.where(TICKETS.c.status != CLOSED).order_by(TICKETS.c.id)).mappings()]


def of_user(connection: Connection, user_id: str, account_id: str) -> List[Dict[str, Any]]:
    """The user's tickets not closed, newest first (a signed-in user's, by the help center's
    ids)."""
    return [dict(row) for row in connection.execute(
        WITH_NAMES.where(CONVERSATIONS.c.user_id == user_id,
                         CONVERSATIONS.c.account_id == account_id,
                         TICKETS.c.status != CLOSED).order_by(TICKETS.c.id.desc())).mappings()]


def thread(connection: Connection, number: int) -> List[Dict[str, Any]]:
    """The ticket's messages, in order, as frames show them."""
    rows = connection.execute(select(MESSAGES).where(MESSAGES.c.ticket_id == number)
                              .order_by(MESSAGES.c.id)).mappings()
    return [message_frame(row) for row in rows]


def message_frame(row: Mapping[str, Any]) -> Dict[str, Any]:
    frame: Dict[str, Any] = {"id": row["id"], "speaker": row["speaker"], "text": row["text"],
                             "client_id": row["client_id"],
                             "at": row["created_at"].isoformat() + "Z"}
    if row["agent_name"]:
        frame["name"] = row["agent_name"]
    return frame


def sent_before(connection: Connection, number: int, speaker: str,
                client_id: str) -> Optional[Dict[str, Any]]:
    """The message this sender already sent under `client_id` (a resend), if any."""
    row = connection.execute(select(MESSAGES).where(
        MESSAGES.c.ticket_id == number, MESSAGES.c.speaker == speaker,
        MESSAGES.c.client_id == client_id)).mappings().first()
    return message_frame(row) if row is not None else None


def change(connection: Connection, number: int, read_status: str, at: datetime,
           **values: Any) -> bool:
    """Sets `values` if the ticket still has `read_status`; False when someone changed it first."""
    changed = connection.execute(update(TICKETS).where(
        TICKETS.c.id == number, TICKETS.c.status == read_status).values(updated_at=at, **values))
    return changed.rowcount == 1


def add_message(connection: Connection, ticket: Mapping[str, Any], speaker: str, text: str,
                client_id: str, at: datetime, agent: Optional[Agent] = None) -> Dict[str, Any]:
    values = {"ticket_id": ticket["id"], "conversation_id": ticket["conversation_id"],
              "speaker": speaker, "text": text, "client_id": client_id, "created_at": at,
              "agent_id": agent.id if agent else None,
              "agent_name": agent.display_name if agent else None}
    message_id = connection.execute(insert(MESSAGES).values(**values)).inserted_primary_key[0]
    return message_frame({**values, "id": message_id})
