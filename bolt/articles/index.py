"""The search index of one language's sections: BM25 over their titles, their text and the
subwords of both.

A section's title (its article's title and its heading) and its text are two fields, each
ranked by BM25 (bm25s, Lucene's idf); its word score is TITLE_WEIGHT times its title's plus
its text's, divided by what a section holding each of the question's terms once in each field
would score, and by the share of the question's terms the help center holds at all. So a
score says how much of the question a section answers, and one relevance floor holds for a
question of two words and one of ten, in a help center of twenty articles or of two thousand.
A question mostly about something the help center never mentions ("cancel my Spotify
subscription") scores low everywhere, however well its other words match.

In the languages that have them (bolt/articles/subwords.py), the subwords of a section's terms
are a third field, scored the same way over the question's subwords; a section's words score is
SUBWORD_SHARE of its subword score and the rest of its word score. A German "hängen" then
finds the "Anhang" section, which no whole word of the question names.

Last, meaning (bolt/core/meaning.py): the cosine of the question's vector and the section's,
cubed so that only close meanings count. A section's score is MEANING_SHARE of that and the
rest of its words score; a question worded unlike its article ("die Abbuchung hat nicht
geklappt", "Zahlung fehlgeschlagen") still finds it, and a question with no word of the help
center still scores low in both.
"""
from __future__ import annotations

import importlib
import math
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

from bolt.articles.store import StoredSection
from bolt.articles.subwords import has_subwords, subwords

TITLE_WEIGHT = 2.0
# Measured on the development questions: 0.1 to 0.25 rank alike, 0.5 worse.
SUBWORD_SHARE = 0.2
# Measured on the development questions at the calibrated floors: 0.3 and 0.5 find more right
# sections than words alone (0.5 most); 0.7 finds more still, but suggests for more "not ours"
# messages.
MEANING_SHARE = 0.5
MEANING_POWER = 3
K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Hit:
    section: StoredSection
    score: float
    matched: Tuple[str, ...]  # the question's terms the section holds


def _bm25s() -> Any:
    """bm25s, imported without jax. Rasa installs jax, and bm25s imports it when it can and runs
    a top-k at import, which starts XLA: a third of a second and about 110 MB more in every
    process that searches, for a top-k Bolt never asks bm25s for (it reads the scores)."""
    if "bm25s" not in sys.modules and "jax" not in sys.modules:
        sys.modules["jax"] = None  # type: ignore[assignment]  # `import jax` raises ImportError
        try:
            return importlib.import_module("bm25s")
        finally:
            del sys.modules["jax"]
    return importlib.import_module("bm25s")


class _Field:
    """BM25 over one field of the sections."""

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        bm25s = _bm25s()

        self.count = len(documents)
        self.frequency: Counter = Counter(term for doc in documents for term in set(doc))
        self.terms = [set(doc) for doc in documents]
        # bm25s needs one term in every document; a placeholder no question can hold.
        padded = [list(doc) or ["\x00"] for doc in documents]
        vocabulary: Dict[str, int] = {}
        ids = [[vocabulary.setdefault(term, len(vocabulary)) for term in doc] for doc in padded]
        self.vocabulary = vocabulary
        self.bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
        self.bm25.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocabulary),
                        show_progress=False)

    def idf(self, term: str) -> float:
        df = self.frequency.get(term, 0)
        return math.log(1 + (self.count - df + 0.5) / (df + 0.5))

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        known = [self.vocabulary[t] for t in terms if t in self.vocabulary]
        if not known:
            return np.zeros(self.count, dtype=np.float32)
        return self.bm25.get_scores(known)


class LanguageIndex:
    def __init__(self, sections: Sequence[StoredSection]) -> None:
        self.sections = list(sections)
        self.titles = _Field([s.title_terms for s in self.sections])
        self.bodies = _Field([s.body_terms for s in self.sections])
        self.meanings = (np.vstack([s.meaning for s in self.sections]) if self.sections
                         else np.zeros((0, 0), dtype=np.float32))
        language = self.sections[0].language if self.sections else ""
        self.subwords = (_Field([subwords(s.title_terms + s.body_terms) for s in self.sections])
                         if has_subwords(language) else None)

    def __len__(self) -> int:
        return len(self.sections)

    def ideal(self, terms: Sequence[str]) -> float:
        """The score of a section with each term once in its title and once in its text, at
        average lengths: BM25 gives such a term its idf."""
        return sum(TITLE_WEIGHT * self.titles.idf(t) + self.bodies.idf(t) for t in terms)

    def idf(self, term: str) -> float:
        return self.bodies.idf(term)

    def _word_scores(self, distinct: Sequence[str]) -> np.ndarray:
        scores = TITLE_WEIGHT * self.titles.scores(distinct) + self.bodies.scores(distinct)
        known = sum(1 for t in distinct if t in self.bodies.frequency
                    or t in self.titles.frequency) / len(distinct)
        return scores / self.ideal(distinct) * known

    @staticmethod
    def _subword_scores(field: "_Field", distinct: Sequence[str]) -> np.ndarray:
        pieces = list(dict.fromkeys(subwords(distinct)))
        ideal = sum(field.idf(p) for p in pieces)
        known = sum(1 for p in pieces if p in field.frequency) / len(pieces)
        return field.scores(pieces) / ideal * known

    def rank(self, terms: Sequence[str], meaning: np.ndarray, limit: int) -> List[Hit]:
        """The best sections for a question's terms and its meaning's vector."""
        distinct = list(dict.fromkeys(terms))
        if not distinct or not self.sections:
            return []
        scores = self._word_scores(distinct)
        if self.subwords is not None:
            scores = ((1 - SUBWORD_SHARE) * scores
                      + SUBWORD_SHARE * self._subword_scores(self.subwords, distinct))
        close = np.maximum(self.meanings @ meaning, 0.0) ** MEANING_POWER
        scores = (1 - MEANING_SHARE) * scores + MEANING_SHARE * close
        count = min(limit, len(self.sections))
        best = np.argpartition(-scores, count - 1)[:count]
        best = best[np.lexsort((best, -scores[best]))]
        hits = []
        for position in best:
            if scores[position] <= 0:
                break
            section = self.sections[int(position)]
            matched = tuple(t for t in distinct
                            if t in self.titles.terms[position] or t in self.bodies.terms[position])
            score = float(scores[position])
            hits.append(Hit(section, score, matched))
        return hits
