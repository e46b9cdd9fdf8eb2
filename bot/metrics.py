"""Rasa's metrics, as Bolt's Rasa server exports them (bot/rasa_server.py serves them on
BOLT_METRICS_HOST:BOLT_RASA_METRICS_PORT): messages, NLU decisions, response latency and the
model in use, by language. bot/metrics_hooks.py is where in Rasa they are counted.

Labels take bounded values only: a supported language or `unknown`, an intent of the model's
domain or `other`, `answered` or `abstained`, a model's file name; never a conversation or a user.
The hub's internal messages (bolt/core/hub_intents.py) are no user's: neither they nor their
decisions are counted.
"""
from __future__ import annotations

import time
from typing import Any, Collection, Mapping, Optional, Tuple

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from bolt.core.hub_intents import HUB_INTENTS
from bolt.core.languages import language_of_locale
from bot.nlu.linear_classifier import ABSTENTION

UNKNOWN_LANGUAGE = "unknown"
OTHER_INTENT = "other"
RESPONSE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REGISTRY = CollectorRegistry()
MESSAGES = Counter("bolt_rasa_messages_total", "User messages Rasa handled, by language",
                   ["language"], registry=REGISTRY)
DECISIONS = Counter("bolt_rasa_nlu_decisions_total",
                    "What the NLU decided for a message: its intent, and whether Bolt answered "
                    "or abstained (bot/nlu/abstention.py)", ["intent", "decision", "language"],
                    registry=REGISTRY)
RESPONSE_SECONDS = Histogram("bolt_rasa_response_seconds",
                             "Time Rasa took from a user message to its replies, by language",
                             ["language"], buckets=RESPONSE_BUCKETS, registry=REGISTRY)
MODEL = Gauge("bolt_rasa_model_info", "The model in use (1), by its file name", ["model"],
              registry=REGISTRY)
MODEL_LOADED = Gauge("bolt_rasa_model_loaded_timestamp_seconds",
                     "When the model in use was loaded (a published model is loaded anew)",
                     registry=REGISTRY)


def language_of(metadata: Optional[Mapping[str, Any]]) -> str:
    """The language of the page the message was written on (the hub sends its locale)."""
    locale = metadata.get("locale") if isinstance(metadata, Mapping) else None
    return language_of_locale(locale if isinstance(locale, str) else None) or UNKNOWN_LANGUAGE


def decision_of(parse_data: Mapping[str, Any], intents: Collection[str]) -> Tuple[str, str]:
    """(intent, answered or abstained) of one parse; an intent outside the domain (a typed
    `/anything`) is `other`."""
    intent = (parse_data.get("intent") or {}).get("name")
    record = parse_data.get(ABSTENTION)
    abstained = isinstance(record, Mapping) and bool(record.get("abstained"))
    return (intent if intent in intents else OTHER_INTENT,
            "abstained" if abstained else "answered")


def count_decision(parse_data: Mapping[str, Any], intents: Collection[str],
                   metadata: Optional[Mapping[str, Any]]) -> None:
    if (parse_data.get("intent") or {}).get("name") in HUB_INTENTS:
        return
    intent, decision = decision_of(parse_data, intents)
    DECISIONS.labels(intent, decision, language_of(metadata)).inc()


def count_message(metadata: Optional[Mapping[str, Any]], seconds: float) -> None:
    language = language_of(metadata)
    MESSAGES.labels(language).inc()
    RESPONSE_SECONDS.labels(language).observe(seconds)


def model_loaded(name: str) -> None:
    MODEL.clear()
    MODEL.labels(name).set(1)
    MODEL_LOADED.set(time.time())
