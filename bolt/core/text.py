"""Text in any of Bolt's languages split into words: Japanese by morphological analysis, the rest
by spelling; and the form in which two texts are compared.

Japanese is written without spaces, so splitting on spaces would make a whole sentence one word.
Runs of Japanese script are segmented with Janome (its dictionary ships inside the package) into
their content words, each with its dictionary form ("使え" → "使える"). Everything else is split
into words of letters, digits and marks, joined by apostrophes, dots or hyphens ("l'assistenza",
"24x7"), a trailing "+" kept ("Premier+" is a plan, not "Premier"). Each word keeps its exact
character offsets, so whatever is found in the words lines up with the original text.

The NLU tokenizer (bot/nlu/tokenizer.py) and the content checks (bolt/editing/checks.py) split
text here, so the model and the editors' tools agree on what a word is.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator, List, Tuple

import regex

JAPANESE_RUN = regex.compile(r"[\p{Hiragana}\p{Katakana}\p{Han}ー々〆ヶ]+")
WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+(?:['’.\-][\p{L}\p{N}\p{M}]+)*\+*")


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int
    lemma: str  # the dictionary form: Janome's for Japanese, the word itself otherwise


@lru_cache(maxsize=1)
def _janome() -> Any:
    from janome.tokenizer import Tokenizer as JanomeTokenizer

    return JanomeTokenizer()


def load_japanese() -> None:
    """Loads Janome's dictionary now (about a quarter of a second), not at the first Japanese."""
    _janome()


def split_japanese(text: str) -> Iterator[Tuple[str, str, int]]:
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


def words(text: str) -> List[Word]:
    """The words of a text in any of Bolt's languages, in order, with offsets and lemmas."""
    found: List[Word] = []
    position = 0
    for run in JAPANESE_RUN.finditer(text):
        found.extend(_spelled_words(text[position : run.start()], position))
        for surface, lemma, start in split_japanese(run.group()):
            begin = run.start() + start
            found.append(Word(surface, begin, begin + len(surface), lemma))
        position = run.end()
    found.extend(_spelled_words(text[position:], position))
    return found


def _spelled_words(text: str, offset: int) -> Iterator[Word]:
    for match in WORD.finditer(text):
        yield Word(match.group(), offset + match.start(), offset + match.end(), match.group())


def match_key(text: str) -> str:
    """The form in which two texts are the same: their words, case-folded, one space apart;
    punctuation, spacing and case do not count."""
    return " ".join(word.text.casefold() for word in words(text))
