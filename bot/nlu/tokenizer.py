"""A tokenizer for all of Bolt's languages: Japanese by morphological analysis, the rest by words.

Japanese is written without spaces, so whitespace tokenization would make a whole sentence one
token. Runs of Japanese script are segmented with Janome (its dictionary ships inside the
package); everything else is split into words. Tokens keep their exact character offsets so that
entity extraction lines up with the original text.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Iterator, List, Optional, Text, Tuple

import regex

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

JAPANESE_RUN = regex.compile(r"[\p{Hiragana}\p{Katakana}\p{Han}ー々〆ヶ]+")
# A word: letters/digits joined by apostrophes, dots or hyphens, with a trailing "+" kept
# ("Premier+" is a plan, not "Premier").
WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+(?:['’.\-][\p{L}\p{N}\p{M}]+)*\+*")


@lru_cache(maxsize=1)
def _janome() -> Any:
    # Loaded once, with the model (`MultilingualTokenizer.create`): a quarter of a second in
    # which a Rasa server would otherwise stall every conversation at its first Japanese message.
    from janome.tokenizer import Tokenizer as JanomeTokenizer

    return JanomeTokenizer()


def split_japanese(text: Text) -> Iterator[Tuple[Text, Text, int]]:
    """Yields (surface, lemma, offset) for the content words of a run of Japanese script."""
    offset = 0
    for token in _janome().tokenize(text):
        surface = token.surface
        start = offset
        offset += len(surface)
        if token.part_of_speech.startswith("記号"):
            continue
        lemma = token.base_form if token.base_form not in ("*", "") else surface
        yield surface, lemma, start


def tokenize_text(text: Text) -> List[Token]:
    """Splits text in any of Bolt's languages into tokens with offsets and lemmas."""
    tokens: List[Token] = []
    position = 0
    for run in JAPANESE_RUN.finditer(text):
        tokens.extend(_words(text[position : run.start()], position))
        for surface, lemma, start in split_japanese(run.group()):
            begin = run.start() + start
            tokens.append(Token(surface, begin, begin + len(surface), lemma=lemma))
        position = run.end()
    tokens.extend(_words(text[position:], position))
    return tokens


def _words(text: Text, offset: int) -> Iterator[Token]:
    for match in WORD.finditer(text):
        yield Token(match.group(), offset + match.start(), offset + match.end())


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class MultilingualTokenizer(Tokenizer):
    """Tokenizes en, de, it, id, ru by words and Japanese with Janome."""

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

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MultilingualTokenizer:
        _janome()
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text: Optional[Text] = message.get(attribute)
        tokens = tokenize_text(text or "")
        if not tokens:
            # Rasa expects at least one token (e.g. for a message of only punctuation or emoji).
            tokens = [Token(text or "", 0, len(text or ""))]
        return self._apply_token_pattern(tokens)
