"""bot/nlu/tokenizer.py: Rasa's tokens are the words of bolt/core/text.py (tests/unit/test_text.py)."""
from rasa.shared.nlu.training_data.message import Message

from bolt.core.text import words
from bot.nlu.tokenizer import MultilingualTokenizer


def tokenizer():
    return MultilingualTokenizer(MultilingualTokenizer.get_default_config())


def test_component_gives_rasa_the_words_with_offsets_and_lemmas():
    text = "Zoomのプレミアプラン(Premier+)は使えますか"
    tokens = tokenizer().tokenize(Message.build(text=text), "text")
    assert [(t.text, t.start, t.end, t.lemma) for t in tokens] == [
        (w.text, w.start, w.end, w.lemma) for w in words(text)]
    assert ("使え", "使える") in [(t.text, t.lemma) for t in tokens]


def test_component_never_returns_no_tokens():
    message = Message.build(text="!!!")
    assert len(tokenizer().tokenize(message, "text")) == 1
