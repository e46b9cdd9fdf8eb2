"""bot/speedups/dialogue_states.py: the remembered states are the states Rasa computes, call after call."""
import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.speedups import dialogue_states
from support.rasa_events import DOMAIN, conversation, user

RULE_ONLY = {"rule_only_slots": ["handoff_reason"], "rule_only_loops": ["triage_form"]}
OPTIONS = [
    {},
    {"omit_unset_slots": True},
    {"ignore_rule_only_turns": True, "rule_only_data": RULE_ONLY},
    {"ignore_rule_only_turns": True, "rule_only_data": None, "omit_unset_slots": True},
]


@pytest.fixture
def installed():
    dialogue_states.install()
    yield
    dialogue_states.uninstall()


def original(tracker, **options):
    return dialogue_states._ORIGINAL(DOMAIN, tracker, **options)


def remembered(tracker, **options):
    return dialogue_states.states_for_tracker_history(DOMAIN, tracker, **options)


def test_a_growing_conversation_has_rasas_states_after_every_event(installed):
    for options in OPTIONS:
        dialogue_states.forget()
        events, histories = [], []
        for turn in conversation():
            for event in turn:
                events.append(event)
                # As the tracker store hands them out: a new tracker over the same events.
                tracker = DialogueStateTracker.from_events("u", events, DOMAIN.slots)
                assert remembered(tracker, **options) == original(tracker, **options), options
                assert remembered(tracker, **options) == original(tracker, **options), options
                if not any(h is dialogue_states._histories["u"] for h in histories):
                    histories.append(dialogue_states._histories["u"])
        # Computed anew only where Rasa's applied events start again or are rewound: the
        # session start, the loop's second run, two reverts and a restart.
        assert len(events) == 40 and len(histories) == 6


def test_another_history_for_the_same_conversation_is_computed_anew():
    whole = [event for turn in conversation() for event in turn]
    long_tracker = DialogueStateTracker.from_events("u", whole[:20], DOMAIN.slots)
    remembered(long_tracker)
    shorter = DialogueStateTracker.from_events("u", whole[:9], DOMAIN.slots)
    assert remembered(shorter) == original(shorter)
    edited = whole[:8] + [user("anders", "faq")] + whole[9:20]  # equal events, other objects
    edited_tracker = DialogueStateTracker.from_events("u", edited, DOMAIN.slots)
    assert remembered(edited_tracker) == original(edited_tracker)
    other_domain = Domain.from_yaml(DOMAIN.as_yaml())
    assert dialogue_states.states_for_tracker_history(other_domain, long_tracker) == \
        dialogue_states._ORIGINAL(other_domain, long_tracker)
    assert dialogue_states._histories["u"].domain is other_domain


def test_changing_the_returned_states_changes_nothing_remembered():
    events = [event for turn in conversation()[:4] for event in turn]
    tracker = DialogueStateTracker.from_events("u", events, DOMAIN.slots)
    expected = original(tracker)
    for states in (remembered(tracker), remembered(tracker)):
        for state in states:  # what Rasa's featurizers do to the last state, and more
            for part in state.values():
                part.clear()
            state.clear()
    assert remembered(tracker) == expected


def test_least_recently_used_conversations_are_forgotten(monkeypatch):
    monkeypatch.setattr(dialogue_states, "CACHED_CONVERSATIONS", 2)
    dialogue_states.forget()
    for sender in ("a", "b", "c"):
        remembered(DialogueStateTracker.from_events(sender, conversation()[0], DOMAIN.slots))
    assert list(dialogue_states._histories) == ["b", "c"]
