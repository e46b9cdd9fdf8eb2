"""The restart rule of `bolt run` (bolt/restart_policy.py): backoff, its cap, its reset, giving up."""
import pytest

from bolt.restart_policy import ExitRecord, RestartPolicy, after_exit

POLICY = RestartPolicy(first_delay=0.5, factor=2.0, longest_delay=30.0, steady_seconds=60.0,
                       attempts=5)


def exits(count: int, ran_seconds: float, answered: bool):
    record, delays = ExitRecord(), []
    for _ in range(count):
        decision = after_exit(POLICY, record, ran_seconds, answered)
        record = decision.record
        delays.append(decision.delay)
    return record, delays


def test_a_service_that_keeps_crashing_after_answering_waits_longer_each_time_up_to_the_cap():
    _, delays = exits(10, ran_seconds=2.0, answered=True)
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0, 30.0]


def test_a_crash_after_a_steady_run_is_restarted_at_once_again():
    record, _ = exits(6, ran_seconds=2.0, answered=True)
    decision = after_exit(POLICY, record, ran_seconds=3600.0, answered=True)
    assert decision.delay == 0.5 and decision.record.exits_in_a_row == 1


def test_a_service_that_never_answers_is_given_up_on_after_the_attempts():
    record, delays = exits(4, ran_seconds=0.1, answered=False)
    assert delays == [0.5, 1.0, 2.0, 4.0]
    decision = after_exit(POLICY, record, ran_seconds=0.1, answered=False)
    assert not decision.restart and "5 times in a row without answering" in decision.reason


def test_one_answered_run_clears_the_count_of_unanswered_ones():
    record, _ = exits(4, ran_seconds=0.1, answered=False)
    decision = after_exit(POLICY, record, ran_seconds=1.0, answered=True)
    assert decision.restart and decision.record.unanswered_in_a_row == 0
    # ... but not the backoff: it only resets after a steady run.
    assert decision.delay == 8.0


def test_a_long_row_of_exits_stays_at_the_cap():
    assert POLICY.delay(10_000) == 30.0
    with pytest.raises(ValueError):
        POLICY.delay(0)
