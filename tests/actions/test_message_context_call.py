"""bot/speedups/action_calls.py: the slot mapping's call carries the latest turn, and answers the same."""
import asyncio

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker

from actions.message_context import ActionReadMessageContext
from bot.speedups import action_calls
from support.trackers import SignedIn

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [faq, greet]
slots:
  language: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  user_id: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  account_id: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  user_name: {type: text, influence_conversation: false, mappings: [{type: custom}]}
responses:
  utter_greet: [{text: hi}]
""")

SIGNED_IN = SignedIn("u-42", "acme", name="Erika Muster", sender_id="u")
MESSAGES = [  # (text, metadata): languages switching, a user signing in and out
    ("Wie ändere ich meinen Supportplan?", {"locale": "de-DE"}),
    ("ok", {"locale": "de-DE"}),
    ("サポートに連絡するにはどうすればいいですか", SIGNED_IN),
    ("How do I reach a person on the phone?", SIGNED_IN),
    ("Bolt", {"locale": "en-US"}),
]


def conversation_turns():
    """A real Rasa tracker at each user message, as the slot mapping sees it, turn by turn."""
    tracker = DialogueStateTracker.from_events("u", [
        ActionExecuted("action_session_start"), ActionExecuted("action_listen")], DOMAIN.slots)
    for text, metadata in MESSAGES:
        tracker.update(UserUttered(text, {"name": "faq", "confidence": 0.9}, [],
                                   {"text": text, "intent": {"name": "faq", "confidence": 0.9}},
                                   metadata=dict(metadata)))
        yield tracker
        for event in asyncio.run(run_action(call_of(tracker))):
            tracker.update(SlotSet(event["name"], event["value"]))
        for event in (ActionExecuted("utter_greet"), BotUttered("hi"),
                      ActionExecuted("action_listen")):
            tracker.update(event)


def call_of(tracker, name="action_read_message_context"):
    return RemoteAction(name, None)._action_call_format(tracker, DOMAIN)


async def run_action(call):
    from rasa_sdk.executor import CollectingDispatcher

    return await ActionReadMessageContext().run(
        CollectingDispatcher(), Tracker.from_dict(call["tracker"]), call.get("domain", {}))


@pytest.fixture
def installed():
    action_calls.install()
    yield
    action_calls.uninstall()


def test_the_slot_mapping_answers_the_latest_turn_as_it_answers_the_whole_conversation(
        account_env):
    seen = 0
    for tracker in conversation_turns():
        whole = call_of(tracker)
        action_calls.install()
        try:
            latest = call_of(tracker)
        finally:
            action_calls.uninstall()
        assert [e["event"] for e in latest["tracker"]["events"]] == ["user"]
        assert len(whole["tracker"]["events"]) >= 3 + 4 * seen
        assert {k: v for k, v in latest["tracker"].items() if k != "events"} == \
            {k: v for k, v in whole["tracker"].items() if k != "events"}
        assert {k: v for k, v in latest.items() if k != "tracker"} == \
            {k: v for k, v in whole.items() if k != "tracker"}
        assert asyncio.run(run_action(latest)) == asyncio.run(run_action(whole))
        seen += 1
    assert seen == len(MESSAGES)


def test_every_other_action_gets_the_whole_conversation(installed):
    tracker = DialogueStateTracker.from_events("u", [
        ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet", "confidence": 1.0}),
        ActionExecuted("utter_greet"), BotUttered("hi"), ActionExecuted("action_listen"),
        UserUttered("hi again", {"name": "greet", "confidence": 1.0})], DOMAIN.slots)
    call = call_of(tracker, "action_request_handoff")
    assert len(call["tracker"]["events"]) == 6
    action_calls.uninstall()
    assert call == call_of(tracker, "action_request_handoff")


def test_without_a_user_message_the_whole_conversation_is_the_latest_turn():
    events = [ActionExecuted("action_session_start"), ActionExecuted("action_listen")]
    tracker = DialogueStateTracker.from_events("u", events, DOMAIN.slots)
    assert action_calls.latest_turn(tracker) == events
