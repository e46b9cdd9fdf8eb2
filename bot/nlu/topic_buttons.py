"""Answers a topic button ("/faq/<key>") with exactly that FAQ answer.

When Bolt is unsure it offers the closest topics as buttons whose payload is "/faq/<key>". Rasa's
own "/intent" shortcut cannot name a retrieval intent's sub-key, so this component, placed after
the intent classifier, sets intent `faq` and the selected answer with full confidence.
"""
from __future__ import annotations

import warnings
from typing import AbstractSet, List, Text

import regex

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.persisted import JSON, PersistedComponent

RETRIEVAL_INTENT = "faq"
PAYLOAD = regex.compile(r"^\s*/faq/(?P<key>[\w-]+)\s*$")
KEYS_FILE = "faq_keys.json"

# Rasa's regex handler runs after this component and warns that "faq/<key>" is not an intent of
# the domain; for these payloads that is expected, the answer is already chosen here.
warnings.filterwarnings("ignore", message=r"Failed to parse arguments in line '/faq/")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class TopicButtonHandler(PersistedComponent):
    """Answers "/faq/<key>" for the FAQ keys it was trained with; its state is those keys."""

    state_file = KEYS_FILE
    state_format = JSON
    _keys: AbstractSet[Text] = frozenset()

    def train(self, training_data: TrainingData) -> Resource:
        self._keys = {
            example.get(INTENT_RESPONSE_KEY).split("/", 1)[1]
            for example in training_data.intent_examples
            if (example.get(INTENT_RESPONSE_KEY) or "").startswith(RETRIEVAL_INTENT + "/")
        }
        return self.save_state(sorted(self._keys))

    def load_state(self, state: List[Text]) -> None:
        self._keys = set(state)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            match = PAYLOAD.match(message.get(TEXT) or "")
            if match and match.group("key") in self._keys:
                select_topic(message, match.group("key"))
        return messages


def select_topic(message: Message, key: Text) -> None:
    intent = {INTENT_NAME_KEY: RETRIEVAL_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
    full_key = f"{RETRIEVAL_INTENT}/{key}"
    selectors = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
    selectors.setdefault(RESPONSE_SELECTOR_RETRIEVAL_INTENTS, [RETRIEVAL_INTENT])
    selectors[RETRIEVAL_INTENT] = {
        RESPONSE_SELECTOR_PREDICTION_KEY: {
            RESPONSE_SELECTOR_RESPONSES_KEY: None,
            PREDICTED_CONFIDENCE_KEY: 1.0,
            INTENT_RESPONSE_KEY: full_key,
            RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{full_key}",
        },
        RESPONSE_SELECTOR_RANKING_KEY: [
            {"id": None, PREDICTED_CONFIDENCE_KEY: 1.0, INTENT_RESPONSE_KEY: full_key}
        ],
    }
    message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selectors, add_to_output=True)
