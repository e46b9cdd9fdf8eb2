"""Answers a topic button ("/faq/<key>") with exactly that FAQ answer.

When Bolt is unsure it offers the closest topics as buttons whose payload is "/faq/<key>". Rasa's
own "/intent" shortcut cannot name a retrieval intent's sub-key, so this component, placed after
the intent classifier, sets intent `faq` and the selected answer with full confidence.
"""
from __future__ import annotations

import json
import warnings
from typing import Any, Dict, List, Optional, Text

import regex

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
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

RETRIEVAL_INTENT = "faq"
PAYLOAD = regex.compile(r"^\s*/faq/(?P<key>[\w-]+)\s*$")
KEYS_FILE = "faq_keys.json"

# Rasa's regex handler runs after this component and warns that "faq/<key>" is not an intent of
# the domain; for these payloads that is expected, the answer is already chosen here.
warnings.filterwarnings("ignore", message=r"Failed to parse arguments in line '/faq/")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class TopicButtonHandler(GraphComponent):
    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        keys: Optional[List[Text]] = None,
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._keys = set(keys or [])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TopicButtonHandler:
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        keys = sorted(
            example.get(INTENT_RESPONSE_KEY).split("/", 1)[1]
            for example in training_data.intent_examples
            if (example.get(INTENT_RESPONSE_KEY) or "").startswith(RETRIEVAL_INTENT + "/")
        )
        self._keys = set(keys)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / KEYS_FILE).write_text(json.dumps(sorted(self._keys)), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TopicButtonHandler:
        with model_storage.read_from(resource) as directory:
            keys = json.loads((directory / KEYS_FILE).read_text(encoding="utf-8"))
        return cls(model_storage, resource, keys)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            match = PAYLOAD.match(message.get(TEXT) or "")
            if match and match.group("key") in self._keys:
                select_topic(message, match.group("key"))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


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
