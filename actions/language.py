"""Which language Bolt replies in.

The page's locale sets the language when a session starts (actions/session.py). After that the
language switches only when the user clearly writes in another supported language: a message in
Japanese or Cyrillic script is unambiguous; a message in Latin script must have at least
`MIN_WORDS` words and a confident detection, so "ok", "hallo" or "Premier+" never flip it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

import regex
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bolt.core.languages import SUPPORTED_LANGUAGES

MIN_WORDS = 2
MIN_CONFIDENCE = 0.6
MIN_MARGIN = 0.25

KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
HAN = regex.compile(r"\p{Han}")
CYRILLIC = regex.compile(r"\p{Cyrillic}")
LATIN_WORD = regex.compile(r"\p{Latin}{2,}")
# Product and plan names read the same in every language: they are no evidence of one.
NEUTRAL_WORDS = frozenset({"zoom", "bolt", "premier", "access", "api", "pmi", "support", "ok"})


@lru_cache(maxsize=1)
def _detector() -> Any:
    # The models ship inside the lingua package; only our Latin-script languages are loaded.
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.GERMAN, Language.ITALIAN, Language.INDONESIAN
    ).build()


def detect_language(text: Text) -> Optional[Text]:
    """The supported language the text is clearly written in, or None when unsure."""
    if not text or text.lstrip().startswith("/"):
        return None
    if KANA.search(text) or len(HAN.findall(text)) >= 2:
        return "ja"
    latin_words = [w for w in LATIN_WORD.findall(text) if w.casefold() not in NEUTRAL_WORDS]
    if len(CYRILLIC.findall(text)) >= 3 and len(CYRILLIC.findall(text)) > sum(map(len, latin_words)):
        return "ru"
    if len(latin_words) < MIN_WORDS:
        return None
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return None
    best = values[0]
    runner_up = values[1].value if len(values) > 1 else 0.0
    if best.value < MIN_CONFIDENCE or best.value - runner_up < MIN_MARGIN:
        return None
    code = best.language.iso_code_639_1.name.lower()
    return code if code in SUPPORTED_LANGUAGES else None


def language_events(tracker: Tracker) -> List[Dict[Text, Any]]:
    """The `language` slot's change for the latest message, if it clearly switches language."""
    detected = detect_language(tracker.latest_message.get("text") or "")
    if detected and detected != tracker.get_slot("language"):
        return [SlotSet("language", detected)]
    return []
