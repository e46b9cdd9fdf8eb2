"""The words a message is found by: the shared core's analysis (bolt/core/text.py: Japanese
segmented with Janome into dictionary forms, as the bot's tokenizer does; other languages split
by spelling), case-folded, and cut at the apostrophes, dots and hyphens that join a word
("l'assistenza" is found by "assistenza").

The same function analyses what is stored and what is searched for, so both meet in one form.
Each term is letters, digits and marks only: SQLite's FTS5 tokenizer and PostgreSQL's parser
both take such a term as one token, unchanged.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import List, Tuple

import regex

from bolt.core.text import words

log = logging.getLogger(__name__)

# The events found by search: what users, Bolt and agents wrote, and agents' notes.
INDEXED_KINDS = ("message", "note")
PART = regex.compile(r"[\p{L}\p{N}\p{M}]+")
# Bolt's own answers repeat word for word: each distinct text is analysed once while it is
# among the most recent ones.
CACHED_TEXTS = 4096


@lru_cache(maxsize=CACHED_TEXTS)
def terms(text: str) -> Tuple[str, ...]:
    """The terms of a text, in order (repeats kept)."""
    found: List[str] = []
    for word in words(text):
        found.extend(PART.findall(word.lemma.casefold()))
    return tuple(found)


def indexed_text(text: str) -> str:
    """What the index holds for a text: its terms, one space apart."""
    return " ".join(terms(text))


def indexed_text_or_nothing(text: str) -> str:
    """`indexed_text` for the database's trigger: a text that cannot be analysed is stored
    unfound rather than refused with its message."""
    try:
        return indexed_text(text)
    except Exception:  # noqa: BLE001 - a message must never be lost to its analysis
        log.exception("a message could not be analysed for search")
        return ""
