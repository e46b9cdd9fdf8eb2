"""What the answer-time rule (handoff/rules/unanswered.py) reads of the chats agents hold: when
each was given to its agent, the agent's last message since, and the user's first message after
that; and the chats open now (waiting or held), for the supervisors' board. One query each."""
from __future__ import annotations

from typing import List

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from handoff.rules.unanswered import HeldChat
from handoff.store.schema import Conversation, Event


def held_chats(engine: Engine) -> List[HeldChat]:
    agent_said = (select(func.max(Event.created_at))
                  .where(Event.conversation_id == Conversation.id, Event.speaker == "agent",
                         Event.kind == "message", Event.created_at >= Conversation.assigned_at)
                  .scalar_subquery())
    held = (select(Conversation.id, Conversation.agent_id, Conversation.assigned_at,
                   agent_said.label("answered_at"))
            .where(Conversation.owner == "agent", Conversation.agent_id.is_not(None),
                   Conversation.assigned_at.is_not(None))
            .subquery())
    user_wrote = (select(func.min(Event.created_at))
                  .where(Event.conversation_id == held.c.id, Event.speaker == "user",
                         Event.kind == "message",
                         or_(and_(held.c.answered_at.is_(None),
                                  Event.created_at >= held.c.assigned_at),
                             Event.created_at > held.c.answered_at))
                  .scalar_subquery())
    with engine.connect() as connection:
        rows = connection.execute(select(held.c.id, held.c.agent_id, held.c.assigned_at,
                                          held.c.answered_at, user_wrote.label("user_wrote")))
        return [HeldChat(row.id, row.agent_id, row.assigned_at, row.answered_at, row.user_wrote)
                for row in rows]


def open_chats(engine: Engine) -> List[Conversation]:
    """Every conversation waiting in the queue or held by an agent."""
    with Session(engine) as session:
        return list(session.execute(select(Conversation).where(
            Conversation.owner.in_(("queue", "agent")))).scalars())
