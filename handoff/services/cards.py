"""What agents see of a conversation: its card, in queue entries, offers, chats and histories."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Optional

from handoff.store.repository import Repository
from handoff.store.schema import Conversation


def conversation_card(conversation: Conversation, repository: Repository) -> Dict[str, Any]:
    """The card; `repository` names the agent who holds the chat."""
    agent = repository.agent(conversation.agent_id) if conversation.agent_id else None
    return {
        "conversation_id": conversation.id, "owner": conversation.owner,
        "language": conversation.language, "priority": conversation.priority,
        "reason": conversation.reason, "summary": conversation.summary,
        "account": conversation.account_card,
        "user": {"user_id": conversation.user_id, "account_id": conversation.account_id,
                 "name": conversation.user_name, "anonymous": conversation.user_id is None},
        "queued_at": iso(conversation.queued_at), "deadline": iso(conversation.deadline),
        "escalated": conversation.escalated, "breached": conversation.breached,
        "agent": agent.name if agent else None, "last_seq": conversation.last_seq,
    }


def iso(moment: Optional[datetime]) -> Optional[str]:
    """A moment as the frames carry it: UTC to the second, with a Z."""
    return moment.isoformat(timespec="seconds") + "Z" if moment else None
