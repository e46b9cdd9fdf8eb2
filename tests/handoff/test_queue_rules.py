"""The queue's pure rules: order, offers, positions, estimated waits, escalation."""
from datetime import datetime, timedelta

from handoff.rules.queue_order import (
    AgentSlot, Waiting, capacity_for, choose_agent, estimate_wait_seconds, ordered, plan_offers,
    positions, to_escalate,
)

T0 = datetime(2026, 12, 1, 9, 0, 0)


def waiting(cid, priority="P3", minutes=60, language="de", escalated=False, auto=False):
    return Waiting(cid, language, priority, T0 + timedelta(minutes=minutes), escalated, auto)


def slot(agent_id, languages=("de",), capacity=2, load=0, available=True):
    return AgentSlot(agent_id, frozenset(languages), capacity, load, available)


def test_p1_first_then_the_earliest_deadline():
    chats = [waiting("late-p2", "P2", 300), waiting("p3", "P3", 10), waiting("p1", "P1", 900),
             waiting("early-p2", "P2", 30)]
    assert [w.conversation_id for w in ordered(chats)] == ["p1", "early-p2", "late-p2", "p3"]


def test_escalated_chats_go_to_the_front():
    chats = [waiting("p1", "P1", 10), waiting("esc", "P3", 500, escalated=True)]
    assert [w.conversation_id for w in ordered(chats)] == ["esc", "p1"]


def test_positions_count_within_the_language():
    chats = [waiting("de1", "P2", 10), waiting("en1", "P1", 5, language="en"),
             waiting("de2", "P3", 1)]
    assert positions(chats) == {"de1": 1, "de2": 2, "en1": 1}


def test_the_least_loaded_agent_who_speaks_the_language_and_has_room_gets_it():
    agents = [slot(1, load=1), slot(2, load=0, languages=("en",)), slot(3, load=0),
              slot(4, load=0, available=False), slot(5, capacity=1, load=1)]
    assert choose_agent(waiting("c"), agents).agent_id == 3
    assert choose_agent(waiting("c"), agents, excluded=frozenset({3})).agent_id == 1
    assert choose_agent(waiting("c", language="ja"), agents) is None


def test_load_is_relative_to_capacity():
    agents = [slot(1, capacity=4, load=2), slot(2, capacity=2, load=1), slot(3, capacity=6, load=2)]
    assert choose_agent(waiting("c"), agents).agent_id == 3


def test_offers_follow_queue_order_and_count_against_the_agent():
    chats = [waiting("p3", "P3", 10), waiting("p1", "P1", 100), waiting("p2", "P2", 50)]
    agents = [slot(1, capacity=1), slot(2, capacity=1)]
    assert plan_offers(chats, agents, offered={}, declined={}) == [("p1", 1), ("p2", 2)]


def test_offered_and_declined_chats_are_not_offered_again_to_the_same_agent():
    chats = [waiting("a", "P1"), waiting("b", "P2")]
    agents = [slot(1, capacity=2, load=1), slot(2, capacity=2)]
    assert plan_offers(chats, agents, offered={"a": 2}, declined={"b": {1}}) == [("b", 2)]


def test_estimated_wait_needs_a_basis():
    assert estimate_wait_seconds(3, 2, None) is None
    assert estimate_wait_seconds(3, 0, 100.0) is None
    assert estimate_wait_seconds(1, 2, 100.0) == 100
    assert estimate_wait_seconds(3, 2, 100.0) == 200
    assert capacity_for("de", [slot(1, capacity=3), slot(2, capacity=2, available=False),
                               slot(3, languages=("en",))]) == 3


def test_only_entitled_breached_not_yet_escalated_chats_escalate():
    now = T0 + timedelta(minutes=61)
    chats = [waiting("due", minutes=60, auto=True), waiting("not-entitled", minutes=60),
             waiting("in-time", minutes=90, auto=True),
             waiting("done", minutes=30, auto=True, escalated=True)]
    assert to_escalate(chats, now) == ["due"]
