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
    INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY, TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.persisted import JSON, PersistedComponent
from bot.nlu.response_selection import report_selection

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
    report_selection(message, RETRIEVAL_INTENT, [(f"{RETRIEVAL_INTENT}/{key}", 1.0)])
