"""Presence across hubs: this hub's sockets, the other hubs' announcements, and their age."""
from handoff.services.presence import Presence
from handoff.store.schema import Agent


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def agent(agent_id: int, status: str = "online") -> Agent:
    return Agent(id=agent_id, name=f"a{agent_id}", display_name="A", password_hash="x",
                 languages="de,en", capacity=2, status=status)


def test_an_agent_on_another_hub_counts_until_that_hub_falls_silent():
    clock = Clock()
    here = Presence("hub-a", stale_seconds=5, clock=clock)
    here.deliver({"type": "presence", "hub": "hub-b", "agents": [7]})
    assert here.connected(7) and not here.here(7)
    clock.now += 4.9
    assert here.connected(7)
    clock.now += 0.2
    assert not here.connected(7)  # hub B died or lost Redis: its agents are gone
    here.deliver({"type": "presence", "hub": "hub-b", "agents": []})
    assert not here.connected(7)


def test_a_hubs_own_announcement_coming_back_is_ignored():
    here = Presence("hub-a")
    here.deliver({"type": "presence", "hub": "hub-a", "agents": [3]})
    assert not here.connected(3)
    here.join(3, object())
    assert here.announcement() == {"type": "presence", "hub": "hub-a", "agents": [3]}


def test_offers_go_only_to_agents_here_while_capacity_counts_every_hub():
    here = Presence("hub-a")
    connection = object()
    here.join(1, connection)
    here.deliver({"type": "presence", "hub": "hub-b", "agents": [2]})
    agents = [agent(1), agent(2), agent(3), agent(4, status="away")]
    everywhere = here.slots(agents, held={1: 1}, offered={2: 1})
    assert [(s.agent_id, s.available, s.load) for s in everywhere] == [
        (1, True, 1), (2, True, 1), (3, False, 0), (4, False, 0)]
    local = here.slots(agents, held={}, offered={}, here_only=True)
    assert [s.agent_id for s in local if s.available] == [1]
    assert here.leave(1, connection) is True
    assert not here.connected(1)
