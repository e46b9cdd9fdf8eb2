"""bot/speedups/tracker_copies.py: a copy continued from the conversation's last one is the copy
Rasa's replay makes, and shares nothing with it but the events."""
import pytest
from rasa.shared.core.events import (
    ActionExecuted, BotUttered, FollowupAction, SessionStarted, SlotSet,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.speedups import tracker_copies
from support.rasa_events import DOMAIN, conversation, user


@pytest.fixture(autouse=True)
def installed():
    tracker_copies.install()
    yield
    tracker_copies.uninstall()


def original(tracker):
    return tracker_copies._ORIGINAL(tracker)


def state(tracker):
    """Everything a tracker holds, events by identity, slots with whether they were set."""
    fields = dict(vars(tracker))
    events = fields.pop("events")
    slots = fields.pop("slots")
    return {
        **fields,
        "events": [id(event) for event in events],
        "maxlen": events.maxlen,
        "slots": {name: (type(slot), slot.value, slot.has_been_set, slot.initial_value)
                  for name, slot in slots.items()},
        "current": tracker.current_state(EventVerbosity.ALL),
    }


def assert_same_copy(tracker):
    theirs, ours = original(tracker), tracker.copy()
    assert state(ours) == state(theirs)
    assert ours.events is not tracker.events
    assert all(a is not b for a, b in zip(ours.slots.values(), tracker.slots.values()))
    return ours


def test_a_growing_conversation_copies_as_rasa_replays_after_every_event():
    tracker = DialogueStateTracker("u", DOMAIN.slots)
    for turn in conversation():
        for event in turn:
            tracker.update(event)
            assert_same_copy(tracker)
            assert_same_copy(tracker)


def test_a_tracker_store_handing_out_new_trackers_over_the_same_events():
    events = []
    for turn in conversation():
        for event in turn:
            events.append(event)
            assert_same_copy(DialogueStateTracker.from_events("u", events, DOMAIN.slots))


def test_each_event_is_replayed_once(monkeypatch):
    replayed = []
    update = DialogueStateTracker.update

    def counted(self, event, domain=None):
        replayed.append(event)
        update(self, event, domain)

    tracker = DialogueStateTracker("u", DOMAIN.slots)
    for turn in conversation():
        for event in turn:
            tracker.update(event)
        monkeypatch.setattr(DialogueStateTracker, "update", counted)
        tracker.copy()
        monkeypatch.setattr(DialogueStateTracker, "update", update)
    assert len(replayed) == len(tracker.events)


def test_changing_a_copy_changes_neither_the_tracker_nor_the_next_copy():
    tracker = DialogueStateTracker("u", DOMAIN.slots)
    for turn in conversation()[:4]:  # the loop is active
        for event in turn:
            tracker.update(event)
    first = tracker.copy()
    first.update(SlotSet("country", "IT"))
    first.update(user("noch was", "faq"))
    first.active_loop.is_interrupted = True
    first.latest_action["action_name"] = "changed"
    first.slots["language"].value = "xx"
    assert state(tracker.copy()) == state(original(tracker))
    assert tracker.get_slot("country") == "JP"


def test_the_empty_messages_of_a_reset_are_each_copys_own():
    tracker = DialogueStateTracker.from_events("u", conversation()[0], DOMAIN.slots)
    first = tracker.copy()
    first.latest_message.text = "changed"
    first.latest_bot_utterance.text = "changed"
    assert state(tracker.copy()) == state(original(tracker))


@pytest.mark.parametrize("utterance", [
    BotUttered(), BotUttered(None, {"buttons": None}), BotUttered("hi"),
    BotUttered(None, {"buttons": []}), BotUttered(None, {}, {"model_id": "m"}),
])
def test_an_empty_bot_utterance_is_told_as_rasa_compares_it(utterance):
    assert tracker_copies._is_empty(utterance) == (utterance == BotUttered.empty())


def test_a_slot_set_outside_the_events_is_not_copied_as_in_rasas_replay():
    tracker = DialogueStateTracker("u", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    assert_same_copy(tracker)
    tracker.slots["country"].value = "FR"  # not by an event
    assert_same_copy(tracker)
    tracker.update(SessionStarted())
    assert_same_copy(tracker)
    tracker.update(user("hallo", "greet"))
    assert_same_copy(tracker)


def test_a_followup_cleared_outside_the_events_comes_back_as_in_rasas_replay():
    turns = conversation()
    before_the_handoff = turns[4][:turns[4].index(next(
        e for e in turns[4] if isinstance(e, FollowupAction))) + 1]
    tracker = DialogueStateTracker("u", DOMAIN.slots)
    for event in [event for turn in turns[:4] for event in turn] + before_the_handoff:
        tracker.update(event)
        tracker.copy()
    tracker.clear_followup_action()  # the processor does so before predicting
    assert assert_same_copy(tracker).followup_action == "action_request_handoff"


def test_other_slots_a_bounded_history_or_another_history_start_from_the_beginning():
    events = [event for turn in conversation() for event in turn]
    tracker = DialogueStateTracker.from_events("u", events, DOMAIN.slots)
    assert_same_copy(tracker)
    fewer = [slot for slot in DOMAIN.slots if slot.name != "language"]
    assert_same_copy(DialogueStateTracker.from_events("u", events, fewer))
    changed = list(DOMAIN.slots)
    changed[0] = type(changed[0])(changed[0].name, changed[0].mappings, initial_value="DE")
    assert_same_copy(DialogueStateTracker.from_events("u", events, changed))
    assert_same_copy(DialogueStateTracker.from_events("u", events, DOMAIN.slots, 10))
    retold = events[:6] + [user("anders", "faq"), ActionExecuted("utter_faq")]
    assert_same_copy(DialogueStateTracker.from_events("u", retold, DOMAIN.slots))


def test_only_the_last_conversations_are_kept(monkeypatch):
    monkeypatch.setattr(tracker_copies, "CACHED_CONVERSATIONS", 2)
    for sender in ("a", "b", "c"):
        tracker = DialogueStateTracker.from_events(sender, conversation()[0], DOMAIN.slots)
        assert_same_copy(tracker)
    assert list(tracker_copies._replays) == ["b", "c"]


def test_uninstall_puts_rasas_copy_back():
    tracker_copies.uninstall()
    assert DialogueStateTracker.copy is tracker_copies._ORIGINAL
    tracker_copies.install()
    assert DialogueStateTracker.copy is tracker_copies.tracker_copy
