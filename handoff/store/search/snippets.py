"""The part of a found message shown in the results, with the words that matched marked: a list
of pieces, each `{"text": …, "match": true|false}`. The pieces are plain text: whoever shows
them sets them as text (the console does), so nothing a user wrote is ever read as markup."""
from __future__ import annotations

from typing import Dict, List, Sequence, Tuple, Union

from bolt.core.text import words
from handoff.store.search.terms import PART

# Characters shown of a long message, and how many of them before its first match.
WIDTH = 160
BEFORE = 50
ELLIPSIS = "…"

Piece = Dict[str, Union[str, bool]]


def matched_spans(text: str, query_terms: Sequence[str]) -> List[Tuple[int, int]]:
    """(start, end) of each run of words of the text that have one of the terms (Japanese
    words that touch are one run: 請求書 is marked whole, not as 請求 and 書)."""
    wanted = set(query_terms)
    spans: List[Tuple[int, int]] = []
    for word in words(text):
        if not wanted.intersection(PART.findall(word.lemma.casefold())):
            continue
        if spans and spans[-1][1] == word.start:
            spans[-1] = (spans[-1][0], word.end)
        else:
            spans.append((word.start, word.end))
    return spans


def snippet(text: str, query_terms: Sequence[str], width: int = WIDTH) -> List[Piece]:
    spans = matched_spans(text, query_terms)
    start = 0
    if len(text) > width and spans:
        start = max(0, min(spans[0][0] - BEFORE, len(text) - width))
        space = text.find(" ", start, spans[0][0])  # not in the middle of a word
        if start and space != -1:
            start = space + 1
    end = min(len(text), start + width)
    pieces: List[Piece] = []
    at = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start > at:
            pieces.append({"text": text[at:span_start], "match": False})
        pieces.append({"text": text[span_start:span_end], "match": True})
        at = span_end
    if at < end:
        pieces.append({"text": text[at:end], "match": False})
    if start > 0:
        pieces.insert(0, {"text": ELLIPSIS, "match": False})
    if end < len(text):
        pieces.append({"text": ELLIPSIS, "match": False})
    return pieces
