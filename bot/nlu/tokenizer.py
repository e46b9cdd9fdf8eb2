"""A tokenizer for all of Bolt's languages, as a Rasa component: the words of bolt/core/text.py.

Japanese is segmented with Janome and the other languages split into words there; this gives
Rasa those words as tokens, with their exact offsets (so entity extraction lines up with the
original text) and Janome's dictionary forms as lemmas.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.persisted import code_fingerprint
from bolt.core import text


def tokenize_text(message_text: Text) -> List[Token]:
    """The words of a text in any of Bolt's languages, as Rasa's tokens."""
    return [Token(word.text, word.start, word.end, lemma=word.lemma)
            for word in text.words(message_text)]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class MultilingualTokenizer(Tokenizer):
    """Tokenizes en, de, it, id, ru by words and Japanese with Janome."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # Rasa caches the tokenized training data by data and config: the code counts too.
        return code_fingerprint()

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["janome"]

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        # As the model loads: a Rasa server would otherwise stall every conversation while
        # Janome loads its dictionary at the first Japanese message.
        text.load_japanese()

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        message_text: Optional[Text] = message.get(attribute)
        tokens = tokenize_text(message_text or "")
        if not tokens:
            # Rasa expects at least one token (e.g. for a message of only punctuation or emoji).
            tokens = [Token(message_text or "", 0, len(message_text or ""))]
        return self._apply_token_pattern(tokens)
