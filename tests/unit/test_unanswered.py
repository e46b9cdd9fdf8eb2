"""The rule of an unanswered chat (handoff/rules/unanswered.py) on its own, at given times."""
from datetime import datetime, timedelta

from handoff.rules.unanswered import (
    HELD, HeldChat, Lapse, expired_offers, unanswered_held, waiting_since,
)

T0 = datetime(2026, 12, 1, 9, 0, 0)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def chat(answered=None, user_wrote=None, agent_id=7, conversation_id="c-1") -> HeldChat:
    return HeldChat(conversation_id, agent_id, assigned_at=T0, answered_at=answered,
                    user_wrote_at=user_wrote)


def test_the_user_waits_from_the_assignment_until_the_agents_first_word():
    assert waiting_since(chat()) == T0
    assert waiting_since(chat(answered=at(10))) is None


def test_a_user_message_after_the_agents_answer_starts_a_new_wait():
    assert waiting_since(chat(answered=at(10), user_wrote=at(25))) == at(25)
    # A message before the agent's last answer was answered by it.
    assert waiting_since(chat(answered=at(30), user_wrote=at(25))) is None


def test_a_held_chat_lapses_once_the_wait_reaches_the_answer_time_and_not_before():
    waiting = chat(answered=at(10), user_wrote=at(20))
    assert unanswered_held([waiting], at(139.9), 120) == []
    assert unanswered_held([waiting], at(140), 120) == [Lapse("c-1", 7, HELD, at(20))]


def test_only_the_chats_that_wait_lapse():
    chats = [chat(conversation_id="never-answered", agent_id=1),
             chat(answered=at(5), conversation_id="answered", agent_id=2),
             chat(answered=at(5), user_wrote=at(100), conversation_id="asked-again", agent_id=3)]
    lapsed = unanswered_held(chats, at(130), 120)
    assert [(lapse.conversation_id, lapse.agent_id) for lapse in lapsed] == [
        ("never-answered", 1)]
    lapsed = unanswered_held(chats, at(220), 120)
    assert [lapse.conversation_id for lapse in lapsed] == ["never-answered", "asked-again"]


def test_an_answer_time_of_zero_turns_the_rule_off():
    assert unanswered_held([chat()], at(10 ** 6), 0) == []


def test_an_offer_expires_when_its_time_is_up_and_not_before():
    offers = {"c-1": (1, 100.0), "c-2": (2, 130.0), "c-3": (1, 99.5)}
    assert expired_offers(offers, 99.0) == []
    assert sorted(expired_offers(offers, 100.0)) == [("c-1", 1), ("c-3", 1)]
    assert sorted(expired_offers(offers, 130.0)) == [("c-1", 1), ("c-2", 2), ("c-3", 1)]
