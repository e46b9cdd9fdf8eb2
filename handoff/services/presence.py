"""Which agents have a socket open, on this hub and on the others, and the seats they offer.

Each hub knows its own sockets. With several hubs, each also announces its agents on the broker
(`topics.PRESENCE`) whenever they change and at every tick; an announcement older than
`stale_seconds` counts for nothing, so the agents of a hub that died are gone a few seconds later.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Dict, Iterable, List, Mapping, Set, Tuple

from handoff.wire.connection import Connection
from handoff.rules.queue_order import AgentSlot
from handoff.store.schema import Agent


class Presence:
    def __init__(self, hub_id: str = "local", stale_seconds: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.hub_id = hub_id
        self.stale_seconds = stale_seconds
        self.clock = clock
        self.connections: Dict[int, Set[Connection]] = {}
        # other hub -> (when its announcement arrived, the agents it has sockets for)
        self.elsewhere: Dict[str, Tuple[float, frozenset]] = {}

    def join(self, agent_id: int, connection: Connection) -> None:
        self.connections.setdefault(agent_id, set()).add(connection)

    def leave(self, agent_id: int, connection: Connection) -> bool:
        """Removes the socket; True when it was the agent's last one on this hub."""
        sockets = self.connections.get(agent_id, set())
        sockets.discard(connection)
        if not sockets:
            self.connections.pop(agent_id, None)
            return True
        return False

    def here(self, agent_id: int) -> bool:
        return bool(self.connections.get(agent_id))

    def connected(self, agent_id: int) -> bool:
        """Has a socket open on any live hub."""
        if self.here(agent_id):
            return True
        fresh_after = self.clock() - self.stale_seconds
        return any(agent_id in agents for seen, agents in self.elsewhere.values()
                   if seen >= fresh_after)

    def announcement(self) -> Dict[str, Any]:
        return {"type": "presence", "hub": self.hub_id, "agents": sorted(self.connections)}

    def deliver(self, frame: Mapping[str, Any]) -> None:
        """Another hub's announcement (the broker hands this hub's own back too)."""
        hub = frame.get("hub")
        if frame.get("type") == "presence" and hub and hub != self.hub_id:
            self.elsewhere[hub] = (self.clock(), frozenset(frame.get("agents", ())))

    def slots(self, agents: Iterable[Agent], held: Mapping[int, int],
              offered: Mapping[int, int], here_only: bool = False) -> List[AgentSlot]:
        """Seats of online agents; `here_only`: only those with a socket on this hub, whom this
        hub's offers go to."""
        present = self.here if here_only else self.connected
        return [
            AgentSlot(
                agent_id=agent.id, languages=agent.language_set, capacity=agent.capacity,
                load=held.get(agent.id, 0) + offered.get(agent.id, 0),
                available=agent.status == "online" and not agent.disabled and present(agent.id),
            )
            for agent in agents
        ]
