"""Where a country's name may begin or end inside a word, and when a name is not the country.

A name is delimited by tokens (and by hyphens: "USA-Hotline", "ke-Jepang") in every language. Some
languages join other words to a name, so a name of that language may also begin or end inside a
token:

- Italian elides an article or preposition before a vowel: l'Italia, dall'India, nell'Austria.
- Indonesian attaches enclitics: Jepangnya, Inggriskah, Jermanlah, Jepangpun.
- English (and informal German) add a possessive: Germany's, Deutschland's.
- Japanese writes particles without a space: ドイツから, 日本で, イギリスの. The tokenizer
  usually splits them off; after a name in katakana or kanji a particle ends the name whatever
  the tokenizer did. A name in hiragana (にほん) is left to the tokenizer, since a hiragana
  particle cannot be told from the rest of the word.

And some languages name a language after its country; that is not the country: Japanese
日本語 / ドイツ語 / にほんご, Indonesian "bahasa Inggris".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, List, Set, Text, Tuple

import regex

Spans = List[Tuple[int, int]]

_ITALIAN_ELISION = regex.compile(r"['’](?=[\p{L}])")
_INDONESIAN_ENCLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")
_POSSESSIVE = regex.compile(r"['’]s$", regex.IGNORECASE)
_JAPANESE_PARTICLES = ("から", "まで", "より", "って", "へ", "で", "に", "の", "は", "が", "を",
                       "も", "と", "や")
_KATAKANA_OR_KANJI = regex.compile(r"[\p{Katakana}\p{Han}ー々]")
_HIRAGANA = regex.compile(r"\p{Hiragana}")
_INDONESIAN_LANGUAGE = regex.compile(r"\bbahasa\s+$", regex.IGNORECASE)


@dataclass(frozen=True)
class Bounds:
    """Extra places where a name of one language may begin and end in a text."""

    starts: FrozenSet[int] = field(default_factory=frozenset)
    ends: FrozenSet[int] = field(default_factory=frozenset)


def _italian(text: Text, spans: Spans) -> Bounds:
    starts: Set[int] = set()
    for start, end in spans:
        for match in _ITALIAN_ELISION.finditer(text, start, end):
            starts.add(match.end())
    return Bounds(starts=frozenset(starts))


def _indonesian(text: Text, spans: Spans) -> Bounds:
    ends: Set[int] = set()
    for start, end in spans:
        word = text[start:end].lower()
        for enclitic in _INDONESIAN_ENCLITICS:
            if word.endswith(enclitic) and end - len(enclitic) > start:
                ends.add(end - len(enclitic))
    return Bounds(ends=frozenset(ends))


def _possessive(text: Text, spans: Spans) -> Bounds:
    ends = {end - 2 for start, end in spans
            if end - start > 2 and _POSSESSIVE.search(text, start, end)}
    return Bounds(ends=frozenset(ends))


def _japanese(text: Text, spans: Spans) -> Bounds:
    ends = {index for index in range(1, len(text))
            if _KATAKANA_OR_KANJI.match(text, index - 1)
            and text.startswith(_JAPANESE_PARTICLES, index)}
    return Bounds(ends=frozenset(ends))


_BOUNDS: Dict[Text, Callable[[Text, Spans], Bounds]] = {
    "it": _italian,
    "id": _indonesian,
    "en": _possessive,
    "de": _possessive,
    "ja": _japanese,
}


def language_bounds(text: Text, spans: Spans) -> Dict[Text, Bounds]:
    """For each language that joins words to names, where its names may begin and end in the
    text besides the token boundaries."""
    return {language: bounds(text, spans) for language, bounds in _BOUNDS.items()}


def _japanese_language_name(text: Text, start: int, end: int) -> bool:
    following = text[end : end + 1]
    return following == "語" or (following == "ご" and bool(_HIRAGANA.match(text, end - 1)))


def _indonesian_language_name(text: Text, start: int, end: int) -> bool:
    return bool(_INDONESIAN_LANGUAGE.search(text[:start]))


_LANGUAGE_NAMES: Dict[Text, Callable[[Text, int, int], bool]] = {
    "ja": _japanese_language_name,
    "id": _indonesian_language_name,
}


def names_a_language(language: Text, text: Text, start: int, end: int) -> bool:
    """Whether the name of this language at text[start:end] is part of a language's name
    (日本語, "bahasa Inggris") rather than the country."""
    check = _LANGUAGE_NAMES.get(language)
    return check is not None and check(text, start, end)
