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
from typing import Callable, Dict, FrozenSet, Text

import regex

# An apostrophe inside a word: what precedes it is elided (dall'Italia, l'India).
_ITALIAN_ELISION = regex.compile(r"(?<=\p{L})['’](?=\p{L})")
_INDONESIAN_ENCLITIC = regex.compile(
    r"(?<=[\p{L}\p{N}])(?:nya|lah|kah|pun|ku|mu)(?![\p{L}\p{N}\p{M}])", regex.IGNORECASE)
_POSSESSIVE = regex.compile(r"(?<=[\p{L}\p{N}.])['’]s(?![\p{L}\p{N}\p{M}])", regex.IGNORECASE)
_JAPANESE_PARTICLE = regex.compile(
    r"(?<=[\p{Katakana}\p{Han}ー々])(?:から|まで|より|って|へ|で|に|の|は|が|を|も|と|や)")
_HIRAGANA = regex.compile(r"\p{Hiragana}")
_INDONESIAN_LANGUAGE = regex.compile(r"\bbahasa\s+$", regex.IGNORECASE)


@dataclass(frozen=True)
class Bounds:
    """Extra places where a name of one language may begin and end in a text."""

    starts: FrozenSet[int] = field(default_factory=frozenset)
    ends: FrozenSet[int] = field(default_factory=frozenset)


def _italian(text: Text) -> Bounds:
    return Bounds(starts=frozenset(m.end() for m in _ITALIAN_ELISION.finditer(text)))


def _indonesian(text: Text) -> Bounds:
    return Bounds(ends=frozenset(m.start() for m in _INDONESIAN_ENCLITIC.finditer(text)))


def _possessive(text: Text) -> Bounds:
    return Bounds(ends=frozenset(m.start() for m in _POSSESSIVE.finditer(text)))


def _japanese(text: Text) -> Bounds:
    return Bounds(ends=frozenset(m.start() for m in _JAPANESE_PARTICLE.finditer(text)))


_BOUNDS: Dict[Text, Callable[[Text], Bounds]] = {
    "it": _italian,
    "id": _indonesian,
    "en": _possessive,
    "de": _possessive,
    "ja": _japanese,
}


def language_bounds(text: Text) -> Dict[Text, Bounds]:
    """For each language that joins words to names, where its names may begin and end in the
    text besides the token boundaries."""
    return {language: bounds(text) for language, bounds in _BOUNDS.items()}


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
