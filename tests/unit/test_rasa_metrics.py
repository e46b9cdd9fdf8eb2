"""Rasa's metrics (bot/metrics.py): what a parse counts as, bounded labels, the model in use, and
the hooks (bot/metrics_hooks.py) that put them around Rasa's own methods and take them off."""
from __future__ import annotations

from bot import metrics, metrics_hooks
from bot.rasa_server import serves_messages

INTENTS = ("faq", "greet", "nlu_fallback", "out_of_scope")


def value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_message_counts_in_its_pages_language_or_as_unknown():
    assert metrics.language_of({"locale": "de-AT"}) == "de"
    assert metrics.language_of({"locale": "jp"}) == "ja"
    for metadata in (None, {}, {"locale": "fr-FR"}, {"locale": ["de"]}, "de"):
        assert metrics.language_of(metadata) == "unknown", metadata


def test_a_decision_is_its_intent_and_whether_bolt_abstained():
    answered = {"intent": {"name": "faq"}, "abstention": {"abstained": False, "label": "faq/x"}}
    abstained = {"intent": {"name": "nlu_fallback"}, "abstention": {"abstained": True}}
    assert metrics.decision_of(answered, INTENTS) == ("faq", "answered")
    assert metrics.decision_of(abstained, INTENTS) == ("nlu_fallback", "abstained")
    # A typed "/anything" names an intent of its own: counted as other, never as itself.
    assert metrics.decision_of({"intent": {"name": "anything_a_user_types"}}, INTENTS) == (
        "other", "answered")
    assert metrics.decision_of({"intent": None}, INTENTS) == ("other", "answered")


def test_decisions_messages_and_the_model_are_counted():
    before = value("bolt_rasa_nlu_decisions_total", intent="other", decision="abstained",
                   language="ru")
    metrics.count_decision({"intent": {"name": "made-up"}, "abstention": {"abstained": True}},
                           INTENTS, {"locale": "ru-RU"})
    assert value("bolt_rasa_nlu_decisions_total", intent="other", decision="abstained",
                 language="ru") == before + 1
    messages = value("bolt_rasa_messages_total", language="id")
    metrics.count_message({"locale": "id"}, 0.3)
    assert value("bolt_rasa_messages_total", language="id") == messages + 1
    assert value("bolt_rasa_response_seconds_bucket", language="id", le="0.25") < value(
        "bolt_rasa_response_seconds_bucket", language="id", le="0.5")
    metrics.model_loaded("bolt-old.tar.gz")
    metrics.model_loaded("bolt-new.tar.gz")
    assert value("bolt_rasa_model_info", model="bolt-new.tar.gz") == 1
    assert metrics.REGISTRY.get_sample_value("bolt_rasa_model_info",
                                             {"model": "bolt-old.tar.gz"}) is None
    assert value("bolt_rasa_model_loaded_timestamp_seconds") > 0


def test_the_hubs_internal_messages_and_their_decisions_are_not_counted():
    def decisions() -> float:
        return sum(value("bolt_rasa_nlu_decisions_total", intent=intent, decision=decision,
                         language="de")
                   for intent in (*INTENTS, "not_helpful", "other")
                   for decision in ("answered", "abstained"))

    before = decisions()
    metrics.count_decision({"intent": {"name": "not_helpful", "confidence": 1.0}},
                           (*INTENTS, "not_helpful"), {"locale": "de-DE"})
    assert decisions() == before
    metrics.count_decision({"intent": {"name": "faq"}}, INTENTS, {"locale": "de-DE"})
    assert decisions() == before + 1


def test_the_hook_counts_user_messages_only():
    import asyncio

    class Message:
        def __init__(self, text: str) -> None:
            self.text, self.metadata = text, {"locale": "it-IT"}

    async def handled(agent, message):
        return []

    handle = metrics_hooks._handle_message(handled)
    before = value("bolt_rasa_messages_total", language="it")
    for text in ("/not_helpful", " /not_helpful ", "non mi è stato utile", "/request_human"):
        asyncio.run(handle(None, Message(text)))
    assert value("bolt_rasa_messages_total", language="it") == before + 2


def test_only_the_rasa_server_exports_metrics():
    assert serves_messages(["run", "--model", "m.tar.gz", "--enable-api"])
    assert serves_messages(["run"])
    for args in (["run", "actions"], ["train"], ["test", "core"], ["shell"], []):
        assert not serves_messages(args), args


def test_the_hooks_wrap_rasas_methods_and_put_them_back():
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor

    originals = (Agent.handle_message, Agent.load_model, MessageProcessor.parse_message)
    metrics_hooks.install()
    try:
        metrics_hooks.install()  # once only
        wrapped = (Agent.handle_message, Agent.load_model, MessageProcessor.parse_message)
        assert all(new is not old for new, old in zip(wrapped, originals))
        assert [new.__wrapped__ for new in wrapped] == list(originals)
    finally:
        metrics_hooks.uninstall()
    assert (Agent.handle_message, Agent.load_model, MessageProcessor.parse_message) == originals
