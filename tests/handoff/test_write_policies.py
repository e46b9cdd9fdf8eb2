"""The pure parts of the hub's write path and queue updates: which writes share a transaction,
and how often queue changes are sent."""
from collections import deque

import pytest

from handoff.store.batching import next_batch
from handoff.rules.throttle import Throttle


def is_append(job: str) -> bool:
    return job.startswith("append")


def test_consecutive_appends_share_a_transaction_up_to_the_limit():
    pending = deque(["append 1", "append 2", "append 3", "append 4", "agent", "append 5"])
    assert next_batch(pending, is_append, most=3) == ["append 1", "append 2", "append 3"]
    assert next_batch(pending, is_append, most=3) == ["append 4"]
    assert list(pending) == ["agent", "append 5"]


def test_any_other_write_runs_alone_in_its_turn():
    pending = deque(["ticket", "agent", "append 1"])
    assert next_batch(pending, is_append, most=100) == ["ticket"]
    assert next_batch(pending, is_append, most=100) == ["agent"]
    assert next_batch(pending, is_append, most=100) == ["append 1"]
    assert next_batch(pending, is_append, most=100) == []


def test_a_batch_holds_at_least_one_write():
    with pytest.raises(ValueError):
        next_batch(deque(["append 1"]), is_append, most=0)


def test_the_first_change_after_a_quiet_spell_goes_out_at_once():
    throttle = Throttle(0.2)
    assert throttle.request(10.0) == 0.0
    assert throttle.request(10.01) is None  # due already: that run sends this change too
    throttle.ran(10.02)
    assert throttle.request(10.5) == 0.0


def test_changes_within_the_interval_wait_for_its_end_and_go_out_together():
    throttle = Throttle(0.2)
    throttle.request(10.0)
    throttle.ran(10.0)
    assert throttle.request(10.05) == pytest.approx(0.15)
    assert throttle.request(10.1) is None
    assert throttle.request(10.19) is None
    throttle.ran(10.2)
    assert throttle.request(10.3) == pytest.approx(0.1)


def test_the_interval_cannot_be_negative():
    with pytest.raises(ValueError):
        Throttle(-1)
