"""The rule of the messages the bot owes an answer, and of whose lease lets a hub ask
(handoff/rules/bot_backlog.py), on its own, at given times."""
from datetime import datetime, timedelta

from handoff.rules.bot_backlog import (
    BACK_TO_THE_BOT, LOOK_AGAIN_SECONDS, Said, lease_seconds, look_again_in, may_ask, owed,
)
from handoff.rules.ownership import TRANSITIONS, Move, Owner

T0 = datetime(2026, 12, 1, 9, 0, 0)
KEEP = 600.0


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def user(seq: int, seconds: float = 0.0) -> Said:
    return Said(seq, "message", "user", at(seconds))


def bot(seq: int, seconds: float = 0.0) -> Said:
    return Said(seq, "message", "bot", at(seconds))


def event(seq: int, kind: str, speaker: str = "system", seconds: float = 0.0) -> Said:
    return Said(seq, kind, speaker, at(seconds))


def test_a_user_message_after_the_last_turn_the_bot_took_is_owed():
    assert owed("bot", 0, [user(1)], at(1), KEEP) == [1]
    assert owed("bot", 1, [user(1), bot(2)], at(1), KEEP) == []
    assert owed("bot", 1, [user(1), bot(2), user(3)], at(1), KEEP) == [3]


def test_an_answer_stored_after_a_later_message_does_not_answer_that_message():
    # Said 1 and 2; the answer to 1 came after 2: 2 is still owed.
    assert owed("bot", 1, [user(1), user(2), bot(3)], at(1), KEEP) == [2]
    # An offer in the bot's name answers nothing either.
    assert owed("bot", 0, [user(1), bot(2)], at(1), KEEP) == [1]


def test_the_messages_behind_an_unanswered_one_follow_it_in_order_whatever_the_order_read():
    events = [user(4), bot(2), user(1), user(3), event(5, "bot_unavailable"), user(6)]
    assert owed("bot", 2, events, at(1), KEEP) == [3, 4, 6]


def test_only_while_the_bot_holds_the_conversation():
    for owner in ("queue", "agent"):
        assert owed(owner, 0, [user(1)], at(1), KEEP) == []


def test_a_message_the_bot_took_its_turn_on_is_not_owed_again():
    # Answered with nothing, handed over meanwhile, or not kept: the turn was taken.
    assert owed("bot", 1, [user(1)], at(1), KEEP) == []
    assert owed("bot", 2, [user(1), user(2), user(3)], at(1), KEEP) == [3]


def test_what_was_said_to_the_queue_or_an_agent_is_not_the_bots():
    said_to_an_agent = [user(1), event(2, "queued"), event(3, "agent_joined"),
                        user(4), Said(5, "message", "agent", T0), user(6),
                        event(7, "resolved")]
    assert owed("bot", 0, said_to_an_agent, at(1), KEEP) == []
    assert owed("bot", 0, [*said_to_an_agent, user(8)], at(1), KEEP) == [8]
    left = [user(1), event(2, "queued"), user(3), event(4, "left_queue"), user(5)]
    assert owed("bot", 0, left, at(1), KEEP) == [5]


def test_the_moves_back_to_the_bot_are_the_ones_the_rule_knows():
    back = {move for (_, move), owner in TRANSITIONS.items() if owner is Owner.BOT}
    assert back == {Move.RESOLVE, Move.LEAVE_QUEUE}
    assert BACK_TO_THE_BOT == {"resolved", "left_queue"}


def test_a_message_older_than_the_keep_time_is_not_owed_and_the_younger_ones_behind_it_are():
    events = [user(1, seconds=0), user(2, seconds=100)]
    assert owed("bot", 0, events, at(KEEP), KEEP) == [1, 2]
    assert owed("bot", 0, events, at(KEEP + 1), KEEP) == [2]
    assert owed("bot", 0, events, at(KEEP + 101), KEEP) == []


def test_other_speakers_and_kinds_neither_owe_nor_answer():
    events = [user(1), Said(2, "feedback", "user", T0), Said(3, "attachment", "user", T0),
              event(4, "bot_unavailable"), Said(5, "note", "agent", T0)]
    assert owed("bot", 0, events, at(1), KEEP) == [1]


def test_a_hub_may_ask_under_no_lease_its_own_or_a_lapsed_one_only():
    assert may_ask(None, None, "me", at(0))
    assert may_ask("me", at(30), "me", at(0))
    assert not may_ask("other", at(30), "me", at(0))
    assert not may_ask("other", at(30), "me", at(29.9))
    assert may_ask("other", at(30), "me", at(30))
    assert may_ask("other", None, "me", at(0))


def test_the_lease_covers_one_asks_rasa_calls_and_grows_with_the_timeout():
    assert lease_seconds(10) > 2 * 10
    assert lease_seconds(20) - lease_seconds(10) == 2 * 10


def test_a_waiting_hub_looks_again_by_the_leases_end_at_the_latest():
    assert look_again_in(at(30), at(0)) == LOOK_AGAIN_SECONDS
    assert look_again_in(at(0.25), at(0)) == 0.25
    assert look_again_in(at(0), at(5)) == 0.0
    assert look_again_in(None, at(0)) == 0.0
