"""Which agents have a socket open, and the seats they can offer the queue."""
from __future__ import annotations

from typing import Dict, Iterable, List, Mapping, Set

from handoff.connection import Connection
from handoff.queue import AgentSlot
from handoff.store.schema import Agent


class Presence:
    def __init__(self) -> None:
        self.connections: Dict[int, Set[Connection]] = {}

    def join(self, agent_id: int, connection: Connection) -> None:
        self.connections.setdefault(agent_id, set()).add(connection)

    def leave(self, agent_id: int, connection: Connection) -> bool:
        """Removes the socket; True when it was the agent's last one."""
        sockets = self.connections.get(agent_id, set())
        sockets.discard(connection)
        if not sockets:
            self.connections.pop(agent_id, None)
            return True
        return False

    def connected(self, agent_id: int) -> bool:
        return bool(self.connections.get(agent_id))

    def slots(self, agents: Iterable[Agent], held: Mapping[int, int],
              offered: Mapping[int, int]) -> List[AgentSlot]:
        return [
            AgentSlot(
                agent_id=agent.id, languages=agent.language_set, capacity=agent.capacity,
                load=held.get(agent.id, 0) + offered.get(agent.id, 0),
                available=agent.status == "online" and self.connected(agent.id),
            )
            for agent in agents
        ]
