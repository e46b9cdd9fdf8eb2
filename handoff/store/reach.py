"""Which conversations an agent who is not a supervisor may see beyond the chats in front of
them, as SQL: the chats they hold and those waiting in their languages (docs/protocol.md, "Agent
rights"), and every conversation of the signed-in customers of those chats. An anonymous
visitor's conversation is its own customer: only it is in reach.

Supervisors see every conversation; they have no Reach (None).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Tuple

from sqlalchemy import text
from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class Reach:
    agent_id: int
    languages: FrozenSet[str]

    def in_front(self, alias: str) -> Tuple[str, Dict[str, Any]]:
        """The condition on `alias` (a conversations row) that the agent holds it or that it
        waits in one of their languages."""
        names = [f"reach_language_{index}" for index in range(len(self.languages))]
        parameters: Dict[str, Any] = {"reach_agent_id": self.agent_id}
        parameters.update(zip(names, sorted(self.languages)))
        waiting = (f" OR ({alias}.owner = 'queue' AND {alias}.language IN "
                   f"({', '.join(':' + name for name in names)}))" if names else "")
        return (f"(({alias}.owner = 'agent' AND {alias}.agent_id = :reach_agent_id){waiting})",
                parameters)

    def condition(self, alias: str) -> Tuple[str, Dict[str, Any]]:
        """The condition on `alias` that the conversation is within the agent's reach: in front
        of them, or of a customer whose chat is."""
        front, parameters = self.in_front("reach")
        return (f"({alias}.id IN (SELECT reach.id FROM conversations reach WHERE {front})"
                f" OR {alias}.user_id IN (SELECT reach.user_id FROM conversations reach"
                f" WHERE {front} AND reach.user_id IS NOT NULL))", parameters)

    def covers(self, connection: Connection, conversation_id: str) -> bool:
        condition, parameters = self.condition("c")
        return connection.execute(
            text(f"SELECT 1 FROM conversations c WHERE c.id = :conversation_id AND {condition}"),
            {"conversation_id": conversation_id, **parameters}).first() is not None
