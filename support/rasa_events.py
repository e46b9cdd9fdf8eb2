"""One Rasa conversation, event by event, with everything that changes which events apply:
hidden rule turns, a loop run twice, reverts, a restart; and the domain it runs in. The Rasa
speed-ups' tests compare Rasa's originals with the speed-ups on it."""
from __future__ import annotations

from typing import List, Sequence

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, ActionReverted, ActiveLoop, BotUttered, DefinePrevUserUtteredFeaturization,
    Event, FollowupAction, Restarted, SessionStarted, SlotSet, UserUttered, UserUtteranceReverted,
)

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, faq, request_human, affirm]
entities: [country]
slots:
  country: {type: text, mappings: [{type: from_entity, entity: country}]}
  language: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  handoff_reason: {type: categorical, values: [request_human, fallback],
                   mappings: [{type: custom}]}
forms:
  triage_form: {required_slots: [handoff_reason]}
responses:
  utter_greet: [{text: hi}]
  utter_faq: [{text: an answer}]
actions: [action_request_handoff, action_phone_number]
""")


def user(text: str, intent: str, entities: Sequence[dict] = ()) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.9}, list(entities))


def conversation() -> List[List[Event]]:
    """Events as Rasa logs them, turn by turn: rules hidden, a loop, reverts, a restart."""
    return [
        [ActionExecuted("action_session_start"), SessionStarted(),
         SlotSet("language", "de"), ActionExecuted("action_listen")],
        [user("hallo", "greet"), DefinePrevUserUtteredFeaturization(False),
         ActionExecuted("utter_greet", hide_rule_turn=True), BotUttered("hi"),
         ActionExecuted("action_listen", hide_rule_turn=True)],
        [user("Telefon in Japan", "faq", [{"entity": "country", "value": "JP"}]),
         SlotSet("country", "JP"), DefinePrevUserUtteredFeaturization(True),
         ActionExecuted("action_phone_number"), BotUttered("+81"),
         ActionExecuted("action_listen")],
        [user("a person please", "request_human"), DefinePrevUserUtteredFeaturization(False),
         ActionExecuted("triage_form"), ActiveLoop("triage_form"),
         SlotSet("requested_slot", "handoff_reason"), ActionExecuted("action_listen")],
        [user("yes", "affirm"), ActionExecuted("triage_form"),
         SlotSet("handoff_reason", "request_human"), ActiveLoop(None),
         FollowupAction("action_request_handoff"), ActionExecuted("action_request_handoff"),
         ActionExecuted("action_listen")],
        [user("oops", "greet"), UserUtteranceReverted(), user("hallo again", "greet"),
         ActionExecuted("utter_greet"), ActionReverted(), ActionExecuted("utter_faq"),
         ActionExecuted("action_listen")],
        [Restarted(), ActionExecuted("action_listen"), user("neu", "greet"),
         ActionExecuted("utter_greet"), ActionExecuted("action_listen")],
    ]
