"""Falls back when the FAQ answer is uncertain, not only when the intent is.

Rasa's FallbackClassifier looks at the intent alone. A message can be confidently "some FAQ"
while no single answer stands out (gibberish often is); answering then would be a guess. This
component turns such a message into `nlu_fallback`, so Bolt says it is unsure and offers the
closest topics. The rankings are kept for those suggestions.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import RESPONSE_SELECTOR_PREDICTION_KEY, RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


def answer_confidence(message: Message, retrieval_intent: Text) -> float:
    selector = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(retrieval_intent) or {}
    prediction = selector.get(RESPONSE_SELECTOR_PREDICTION_KEY) or {}
    return float(prediction.get(PREDICTED_CONFIDENCE_KEY) or 0.0)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class AnswerConfidenceFallback(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"retrieval_intent": "faq", "threshold": 0.3}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._retrieval_intent = config["retrieval_intent"]
        self._threshold = float(config["threshold"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AnswerConfidenceFallback:
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) != self._retrieval_intent:
                continue
            confidence = answer_confidence(message, self._retrieval_intent)
            if confidence < self._threshold:
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                     PREDICTED_CONFIDENCE_KEY: self._threshold},
                    add_to_output=True,
                )
        return messages
