"""Text in any of Bolt's languages split into words: Japanese by morphological analysis, the rest
by spelling; and the form in which two texts are compared.

Japanese is written without spaces, so splitting on spaces would make a whole sentence one word.
Runs of Japanese script are segmented with Janome (its dictionary ships inside the package) into
their content words, each with its dictionary form ("使え" → "使える"). Everything else is split
into words of letters, digits and marks, joined by apostrophes, dots or hyphens ("l'assistenza",
"24x7"), a trailing "+" kept ("Premier+" is a plan, not "Premier"). Each word keeps its exact
character offsets, so whatever is found in the words lines up with the original text.
`match_key` is the form in which texts are compared: "ドイツの 電話番号。" is "ドイツの電話番号".

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
    for piece, offset, japanese in _pieces(text):
        if not japanese:
            found.append(Word(piece, offset, offset + len(piece), piece))
            continue
        for surface, lemma, start in split_japanese(piece):
            found.append(Word(surface, offset + start, offset + start + len(surface), lemma))
    return found


def match_key(text: str) -> str:
    """The form in which two texts are the same: their words, case-folded, spaced as their
    language writes them (one space apart, none between Japanese words); punctuation, spacing
    and case do not count.

    Japanese words joined without spaces are the runs of Japanese script they came from, so
    the runs are taken as written: comparing texts needs no dictionary (Janome would take about
    1.5 s over the content's Japanese examples, more than the rest of `bolt content validate`)."""
    key = ""
    japanese_before = False
    for piece, _, japanese in _pieces(text):
        if key and not (japanese and japanese_before):
            key += " "
        key += piece.casefold()
        japanese_before = japanese
    return key


def _pieces(text: str) -> Iterator[Tuple[str, int, bool]]:
    """The runs of Japanese script and the other words, in order: (text, offset, japanese)."""
    position = 0
    for run in JAPANESE_RUN.finditer(text):
        for match in WORD.finditer(text[position : run.start()]):
            yield match.group(), position + match.start(), False
        yield run.group(), run.start(), True
        position = run.end()
    for match in WORD.finditer(text[position:]):
        yield match.group(), position + match.start(), False
