"""What one agent's socket may see of the frames sent to every agent: a non-supervisor sees the
waiting chats and the tickets in their languages (or assigned to them) only; a supervisor sees
all.

The rule itself is `may_see` (docs/protocol.md, "Agent rights"); the Desk applies it to the
frames an agent asks for, and `AgentView` to those the broker fans out to all agents.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping

from handoff.rules.ownership import Owner
from handoff.store.schema import Agent, Conversation
from handoff.wire.connection import Connection


def may_see(agent: Agent, conversation: Conversation) -> bool:
    """A chat the agent holds, or one waiting in their languages; any chat for a supervisor."""
    return agent.supervisor or within_reach(agent, conversation)


def within_reach(agent: Agent, conversation: Conversation) -> bool:
    """What any agent may see, supervisor or not: a chat they hold, or one waiting in their
    languages (a supervisor's read of anything else is recorded in the audit log)."""
    if conversation.owner == Owner.AGENT.value:
        return conversation.agent_id == agent.id
    return (conversation.owner == Owner.QUEUE.value
            and conversation.language in agent.language_set)


class AgentView:
    """Stands for an agent's connection on the all-agents topic, passing on only what the agent
    may see."""

    def __init__(self, agent: Agent, connection: Connection) -> None:
        self.languages = None if agent.supervisor else agent.language_set
        self.name = agent.name
        self.connection = connection

    def deliver(self, frame: Mapping[str, Any]) -> None:
        seen = self.filtered(frame)
        if seen is not None:
            self.connection.deliver(seen)

    def filtered(self, frame: Mapping[str, Any]) -> Any:
        """The frame as this agent sees it, or None when it is none of theirs."""
        languages = self.languages
        if languages is None:
            return frame
        if frame.get("type") == "queue":
            return {**frame, "entries": [entry for entry in frame["entries"]
                                         if entry["language"] in languages]}
        if frame.get("type") == "ticket":
            ticket = frame["ticket"]
            return frame if (ticket["language"] in languages
                             or ticket.get("assignee") == self.name) else None
        return frame

    def __hash__(self) -> int:
        return hash(self.connection)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AgentView) and other.connection == self.connection


def ticket_visible(agent: Agent, ticket: Dict[str, Any], held: frozenset) -> bool:
    """A ticket in the agent's languages, assigned to them, or of a chat they hold; any for a
    supervisor."""
    return (agent.supervisor or ticket["language"] in agent.language_set
            or ticket.get("assignee") == agent.name or ticket["conversation_id"] in held)
