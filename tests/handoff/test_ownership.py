"""The transition table on its own: every allowed move, and every other one refused."""
import itertools

import pytest

from handoff.rules.ownership import TRANSITIONS, IllegalMove, Move, Owner, bot_answers, next_owner

ALLOWED = {
    (Owner.BOT, Move.HAND_OFF): Owner.QUEUE,
    (Owner.QUEUE, Move.ASSIGN): Owner.AGENT,
    (Owner.QUEUE, Move.LEAVE_QUEUE): Owner.BOT,
    (Owner.AGENT, Move.TRANSFER_AGENT): Owner.AGENT,
    (Owner.AGENT, Move.REQUEUE): Owner.QUEUE,
    (Owner.AGENT, Move.RESOLVE): Owner.BOT,
    (Owner.AGENT, Move.TAKE_OVER): Owner.AGENT,
    (Owner.AGENT, Move.REASSIGN): Owner.AGENT,
    (Owner.QUEUE, Move.REASSIGN): Owner.AGENT,
    (Owner.AGENT, Move.UNANSWERED): Owner.QUEUE,
}


@pytest.mark.parametrize("owner,move", list(itertools.product(Owner, Move)))
def test_each_pair_is_allowed_exactly_as_the_design_says(owner, move):
    if (owner, move) in ALLOWED:
        assert next_owner(owner, move) is ALLOWED[(owner, move)]
    else:
        with pytest.raises(IllegalMove) as refused:
            next_owner(owner, move)
        assert owner.value in str(refused.value) and move.value in str(refused.value)


def test_the_table_is_the_design_and_nothing_more():
    assert TRANSITIONS == ALLOWED


def test_only_the_bot_passes_messages_to_rasa():
    assert [o for o in Owner if bot_answers(o)] == [Owner.BOT]


def test_a_bot_conversation_cannot_skip_the_queue_to_an_agent():
    with pytest.raises(IllegalMove):
        next_owner(Owner.BOT, Move.ASSIGN)


def test_a_supervisor_cannot_take_over_a_chat_nobody_holds():
    for owner in (Owner.BOT, Owner.QUEUE):
        with pytest.raises(IllegalMove):
            next_owner(owner, Move.TAKE_OVER)


def test_a_bot_conversation_is_never_reassigned_nor_found_unanswered():
    for move in (Move.REASSIGN, Move.UNANSWERED):
        with pytest.raises(IllegalMove):
            next_owner(Owner.BOT, move)
    with pytest.raises(IllegalMove):
        next_owner(Owner.QUEUE, Move.UNANSWERED)
