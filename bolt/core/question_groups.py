"""Questions grouped by meaning within one language, for the review inbox: the editor sees one
group for "how do I change my background" and "can I set a virtual background", not two.

Each question becomes the multilingual sentence encoder's vector (bolt/core/meaning.py, the
encoder the NLU and the article search use, loaded once per process), and questions are joined
by average linkage while their cosine similarity reaches `THRESHOLD`. On known groups of
paraphrases in the six languages (tests/review/paraphrase_groups.yml) this groups with a mean
pairwise F1 of 0.91 (0.89 in the worst language), and stays within 0.87-0.94 for thresholds from
0.30 to 0.45; the threshold is at the careful end of that range, because two unrelated questions
put together could be added to one topic, while a group split in two only costs a second look
(questions worded alike, "how do I ..." of two topics, come close to 0.35). Words alone (`word_similarities`: stems and character n-grams) reach 0.90 (0.80)
at their best threshold and fall to 0.40 in one language a step away from it
(bench/review_grouping_bench.py compares the two).
"""
from __future__ import annotations

from collections import Counter
from typing import Dict, List, Sequence

import numpy as np

from bolt.core.meaning import meanings
from bolt.core.search_terms import search_terms
from bolt.core.text import JAPANESE_RUN, match_key

THRESHOLD = 0.40
# Words' own best threshold on the same paraphrases, for the comparison.
WORD_THRESHOLD = 0.15
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


def meaning_similarities(texts: Sequence[str]) -> np.ndarray:
    """The cosine similarity of every two questions' meanings."""
    vectors = meanings(list(texts))
    return vectors @ vectors.T


def word_similarities(texts: Sequence[str], language: str) -> np.ndarray:
    """The cosine similarity of every two questions' weighted terms and character n-grams."""
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


def group(texts: Sequence[str], threshold: float = THRESHOLD) -> List[List[int]]:
    """The questions' indexes in groups (of any one language), largest group first (then first
    asked first)."""
    if not texts:
        return []
    return average_linkage(meaning_similarities(texts), threshold)


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
