import asyncio

import pytest

from actions.language import detect_language
from actions.message_context import ActionReadMessageContext
from support.trackers import make_tracker


@pytest.mark.parametrize(
    "text, language",
    [
        ("Wie erreiche ich den Support?", "de"),
        ("How do I reach support?", "en"),
        ("numero di telefono dell'assistenza", "it"),
        ("bagaimana cara menghubungi dukungan", "id"),
        ("サポートの電話番号", "ja"),
        ("ありがとう", "ja"),
        ("телефон поддержки", "ru"),
    ],
)
def test_clear_messages_name_their_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text", ["hallo", "ok", "danke", "Premier+", "Zoom support", "P1?", "/faq/billing", "", "да"]
)
def test_one_word_or_product_terms_decide_nothing(text):
    assert detect_language(text) is None


def run(action, tracker, dispatcher):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def test_action_switches_only_on_a_clear_message(account_env, dispatcher):
    action = ActionReadMessageContext()
    german = make_tracker("Wie erreiche ich den Support?", slots={"language": "en"})
    assert run(action, german, dispatcher) == [
        {"event": "slot", "timestamp": None, "name": "language", "value": "de"}
    ]
    short = make_tracker("ok", slots={"language": "de"})
    assert run(action, short, dispatcher) == []
    same = make_tracker("Wie erreiche ich den Support?", slots={"language": "de"})
    assert run(action, same, dispatcher) == []
    assert dispatcher.messages == []
