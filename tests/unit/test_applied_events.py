"""bot/speedups/applied_events.py: the remembered applied events are the ones Rasa walks to,
call after call."""
import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop
from rasa.shared.core.trackers import DialogueStateTracker

from bot.speedups import applied_events
from support.rasa_events import DOMAIN, conversation, user


@pytest.fixture(autouse=True)
def installed():
    applied_events.install()
    yield
    applied_events.uninstall()


def original(tracker):
    return applied_events._ORIGINAL(tracker)


def test_a_growing_conversation_has_rasas_applied_events_after_every_event():
    events = []
    for turn in conversation():
        for event in turn:
            events.append(event)
            # As the tracker store hands them out: a new tracker over the same events.
            tracker = DialogueStateTracker.from_events("u", events, DOMAIN.slots)
            assert tracker.applied_events() == original(tracker)
            assert tracker.applied_events() == original(tracker)


def test_each_event_is_walked_once_but_those_before_a_loop_activation(monkeypatch):
    walked = []
    walk = applied_events._walk

    def counted(tracker, events, applied, loop_names):
        events = list(events)
        walked.append(len(events))
        walk(tracker, events, applied, loop_names)

    monkeypatch.setattr(applied_events, "_walk", counted)
    tracker = DialogueStateTracker("u", DOMAIN.slots)
    for turn in conversation():
        for event in turn:
            tracker.update(event)  # the reverts replay the tracker: applied events asked for
            assert tracker.applied_events() == original(tracker)
    # The loop's name, once activated, changes how its earlier runs apply: walked again.
    events = list(tracker.events)
    activation = next(i for i, e in enumerate(events) if isinstance(e, ActiveLoop))
    assert sum(walked) == len(events) + activation


def test_a_loop_activated_after_its_earlier_runs_is_walked_from_the_start():
    # Rasa collects the loops' names from every event before its walk: a loop activated late
    # changes how its earlier runs apply.
    events = [ActionExecuted("action_listen"), user("a person please", "request_human"),
              ActionExecuted("triage_form"), ActionExecuted("action_listen"),
              user("yes", "affirm"), ActionExecuted("triage_form")]
    tracker = DialogueStateTracker.from_events("u", events, DOMAIN.slots)
    assert tracker.applied_events() == original(tracker)
    tracker.update(ActiveLoop("triage_form"))
    assert tracker.applied_events() == original(tracker)
    assert len(original(tracker)) < len(tracker.events)  # the loop's name did change the walk


def test_a_copy_that_parts_from_its_tracker_leaves_both_remembered():
    # Rasa runs each action on a copy of the tracker: the copy's events part from the tracker's.
    whole = [event for turn in conversation()[:3] for event in turn]
    tracker = DialogueStateTracker.from_events("u", whole, DOMAIN.slots)
    tracker.applied_events()
    copy = tracker.copy()
    copy.update(ActionExecuted("utter_faq"))
    assert copy.applied_events() == original(copy)
    tracker.update(ActionExecuted("utter_greet"))
    continued = applied_events._walks["u"][1]
    assert tracker.applied_events() == original(tracker)
    assert applied_events._walks["u"][0].events[:len(continued.events)] == continued.events


def test_another_history_or_a_shorter_one_is_walked_anew():
    whole = [event for turn in conversation() for event in turn]
    long_tracker = DialogueStateTracker.from_events("u", whole[:30], DOMAIN.slots)
    long_tracker.applied_events()
    shorter = DialogueStateTracker.from_events("u", whole[:9], DOMAIN.slots)
    assert shorter.applied_events() == original(shorter)
    edited = whole[:8] + [user("anders", "faq")] + whole[9:30]  # equal events, other objects
    edited_tracker = DialogueStateTracker.from_events("u", edited, DOMAIN.slots)
    assert edited_tracker.applied_events() == original(edited_tracker)
    capped = DialogueStateTracker.from_events("u", whole, DOMAIN.slots, max_event_history=12)
    assert capped.applied_events() == original(capped)


def test_changing_the_returned_list_changes_nothing_remembered():
    events = [event for turn in conversation()[:4] for event in turn]
    tracker = DialogueStateTracker.from_events("u", events, DOMAIN.slots)
    expected = original(tracker)
    tracker.applied_events().clear()
    assert tracker.applied_events() == expected


def test_least_recently_used_conversations_are_forgotten(monkeypatch):
    monkeypatch.setattr(applied_events, "CACHED_CONVERSATIONS", 2)
    for sender in ("a", "b", "c"):
        DialogueStateTracker.from_events(sender, conversation()[0], DOMAIN.slots).applied_events()
    assert list(applied_events._walks) == ["b", "c"]
