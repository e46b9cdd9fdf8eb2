"""A ticket's status table on its own, move by move: every allowed move, every other refused."""
import itertools

import pytest

from handoff.rules.mail_backoff import retry_delay
from handoff.rules.ticket_status import (
    MOVE_TO, TRANSITIONS, IllegalMove, Move, Status, is_live, next_status,
)

ALLOWED = {
    (Status.OPEN, Move.AGENT_REPLY): Status.PENDING,
    (Status.PENDING, Move.AGENT_REPLY): Status.PENDING,
    (Status.SOLVED, Move.AGENT_REPLY): Status.PENDING,
    (Status.OPEN, Move.USER_REPLY): Status.OPEN,
    (Status.PENDING, Move.USER_REPLY): Status.OPEN,
    (Status.SOLVED, Move.USER_REPLY): Status.OPEN,
    (Status.OPEN, Move.SOLVE): Status.SOLVED,
    (Status.PENDING, Move.SOLVE): Status.SOLVED,
    (Status.SOLVED, Move.REOPEN): Status.OPEN,
    (Status.OPEN, Move.CLOSE): Status.CLOSED,
    (Status.PENDING, Move.CLOSE): Status.CLOSED,
    (Status.SOLVED, Move.CLOSE): Status.CLOSED,
    (Status.OPEN, Move.ASSIGN): Status.OPEN,
    (Status.PENDING, Move.ASSIGN): Status.PENDING,
    (Status.SOLVED, Move.ASSIGN): Status.SOLVED,
}


@pytest.mark.parametrize("status,move", list(itertools.product(Status, Move)))
def test_each_pair_is_allowed_exactly_as_the_design_says(status, move):
    if (status, move) in ALLOWED:
        assert next_status(status, move) is ALLOWED[(status, move)]
    else:
        with pytest.raises(IllegalMove) as refused:
            next_status(status, move)
        assert status.value in str(refused.value) and move.value in str(refused.value)


def test_the_table_is_the_design_and_nothing_more():
    assert TRANSITIONS == ALLOWED


def test_a_closed_ticket_is_final_and_the_only_one_not_live():
    assert all((Status.CLOSED, move) not in TRANSITIONS for move in Move)
    assert [status for status in Status if not is_live(status)] == [Status.CLOSED]


def test_what_an_agent_asks_for_is_reached_by_its_move():
    for wanted, move in MOVE_TO.items():
        reached = {next_status(status, move) for status in Status
                   if (status, move) in TRANSITIONS}
        assert reached == {wanted}


def test_the_users_answer_always_hands_the_ticket_back_to_the_agents():
    for status in (Status.OPEN, Status.PENDING, Status.SOLVED):
        assert next_status(status, Move.USER_REPLY) is Status.OPEN


@pytest.mark.parametrize("failed,expected", [(1, 30), (2, 60), (3, 120), (4, 240), (7, 1920),
                                             (8, 3600), (9, 3600), (10_000, 3600)])
def test_a_mail_is_retried_twice_as_late_each_time_up_to_the_maximum(failed, expected):
    assert retry_delay(failed, 30, 3600) == expected


def test_a_retry_follows_a_failure():
    with pytest.raises(ValueError):
        retry_delay(0, 30, 3600)
