"""The conversations' states kept between groups of appends: only committed ones, as copies,
the least recently stored forgotten first, nothing at all where it is disabled."""
from __future__ import annotations

import pytest

from handoff.store.states import KnownStates


def test_a_state_is_known_only_once_its_transaction_committed():
    known = KnownStates(enabled=True)
    known.stage({"c-1": {"last_seq": 3}})
    assert known.known(["c-1"]) == {}
    known.keep()
    assert known.known(["c-1", "c-2"]) == {"c-1": {"last_seq": 3}}


def test_what_is_handed_out_or_staged_is_a_copy():
    known = KnownStates(enabled=True)
    state = {"last_seq": 1}
    known.stage({"c-1": state})
    state["last_seq"] = 99  # the group goes on changing its own dicts
    known.keep()
    handed = known.known(["c-1"])["c-1"]
    handed["last_seq"] = 42
    assert known.known(["c-1"]) == {"c-1": {"last_seq": 1}}


def test_forgetting_drops_the_committed_and_the_staged():
    known = KnownStates(enabled=True)
    known.stage({"c-1": {"last_seq": 1}})
    known.keep()
    known.stage({"c-2": {"last_seq": 1}})
    known.forget()
    known.keep()
    assert known.known(["c-1", "c-2"]) == {}


def test_the_least_recently_stored_are_forgotten_first():
    known = KnownStates(enabled=True, most=2)
    for cid in ("c-1", "c-2"):
        known.stage({cid: {"last_seq": 1}})
        known.keep()
    known.stage({"c-1": {"last_seq": 2}})  # stored again: the newest now
    known.keep()
    known.stage({"c-3": {"last_seq": 1}})
    known.keep()
    assert sorted(known.known(["c-1", "c-2", "c-3"])) == ["c-1", "c-3"]


def test_disabled_it_never_knows_anything():
    known = KnownStates(enabled=False)
    known.stage({"c-1": {"last_seq": 1}})
    known.keep()
    assert known.known(["c-1"]) == {}


def test_it_remembers_at_least_one():
    with pytest.raises(ValueError):
        KnownStates(enabled=True, most=0)


def test_it_tells_whether_it_answered_the_last_question():
    known = KnownStates(enabled=True)
    known.known(["c-1"])
    assert known.answered is False
    known.stage({"c-1": {"last_seq": 1}})
    known.keep()
    known.known(["c-1"])
    assert known.answered is True
    known.forget()
    assert known.answered is False
