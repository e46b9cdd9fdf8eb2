"""The chosen FAQ answer, reported in a parse the way Rasa's ResponseSelector reports it.

Rasa's retrieval action (`utter_faq`) and the topic suggestions read the answer from
`response_selector.<retrieval intent>`; the linear classifier and the topic buttons choose it
themselves and write it there with `report_selection`.
"""
from __future__ import annotations

from typing import Sequence, Text, Tuple

from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


def report_selection(
    message: Message, retrieval_intent: Text, ranking: Sequence[Tuple[Text, float]]
) -> None:
    """Sets the answer for `retrieval_intent`: the first of `ranking`, which holds full keys
    (`faq/<key>`) with their confidence, best first; the ranking is kept with it."""
    best_key, best_confidence = ranking[0]
    selectors = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
    retrieval_intents = selectors.setdefault(RESPONSE_SELECTOR_RETRIEVAL_INTENTS, [])
    if retrieval_intent not in retrieval_intents:
        retrieval_intents.append(retrieval_intent)
    selectors[retrieval_intent] = {
        RESPONSE_SELECTOR_PREDICTION_KEY: {
            RESPONSE_SELECTOR_RESPONSES_KEY: None,
            PREDICTED_CONFIDENCE_KEY: best_confidence,
            INTENT_RESPONSE_KEY: best_key,
            RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{best_key}",
        },
        RESPONSE_SELECTOR_RANKING_KEY: [
            {"id": None, PREDICTED_CONFIDENCE_KEY: confidence, INTENT_RESPONSE_KEY: key}
            for key, confidence in ranking
        ],
    }
    message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selectors, add_to_output=True)
