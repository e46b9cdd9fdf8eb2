"""bolt/editing/checks.py's `overlapping`: the pairs of texts whose character trigrams overlap
at least a threshold (Jaccard), as counting every pair one by one finds them."""
import random

import pytest

from bolt.editing.checks import _trigrams, overlapping


def every_pair(queries, corpus, threshold):
    found = []
    for i, query in enumerate(queries):
        for j, text in enumerate(corpus):
            a, b = _trigrams(query), _trigrams(text)
            if a & b and len(a & b) >= threshold * len(a | b):
                found.append((i, j))
    return found


def texts(rng, count):
    # A small alphabet and lengths from nothing to long: many shared trigrams, many sizes.
    return ["".join(rng.choice("abcde ") for _ in range(rng.randrange(0, 40)))
            for _ in range(count)]


@pytest.mark.parametrize("threshold", [0.2, 0.4, 0.5, 0.85, 1.0])
def test_the_pairs_are_those_counting_every_pair_finds(threshold):
    rng = random.Random(threshold)
    queries, corpus = texts(rng, 120), texts(rng, 150)
    corpus += [query[:-1] for query in queries[:40]] + queries[40:60]  # near and exact copies
    assert overlapping(queries, corpus, threshold) == every_pair(queries, corpus, threshold)


def test_a_text_is_paired_with_itself_and_sizes_at_the_bands_edge_count():
    # 4 trigrams, all among the other's 10: Jaccard exactly 0.4, the band's very edge.
    short, long = "abcd", "abcd xyzwv"
    assert overlapping([short, long], [long, short], 0.4) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_a_threshold_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError):
        overlapping(["a"], ["a"], 0)
