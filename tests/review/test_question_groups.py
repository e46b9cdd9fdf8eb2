"""The review inbox's grouping by meaning (bolt/core/question_groups.py) on known groups of
paraphrases in the six languages (tests/review/paraphrase_groups.yml): each group together,
the groups and the lone questions apart, measured as pairwise precision and recall."""
import itertools
import random
from pathlib import Path
from typing import List, Sequence, Set, Tuple

import pytest
import yaml

from bolt.core.question_groups import group

GROUPS = yaml.safe_load((Path(__file__).parent / "paraphrase_groups.yml").read_text("utf-8"))


def pairs(groups: Sequence[Sequence[str]]) -> Set[frozenset]:
    return {frozenset(pair) for members in groups for pair in itertools.combinations(members, 2)}


def f1(found: Sequence[Sequence[str]], known: Sequence[Sequence[str]]) -> Tuple[float, float]:
    together, expected = pairs(found), pairs(known)
    right = len(together & expected)
    return right / max(1, len(together)), right / max(1, len(expected))


@pytest.mark.parametrize("language", sorted(GROUPS))
def test_paraphrases_group_together_and_apart_from_other_questions(language):
    known: List[List[str]] = GROUPS[language]
    texts = [text for members in known for text in members]
    random.Random(7).shuffle(texts)  # asked in any order
    found = [[texts[i] for i in members] for members in group(texts)]
    precision, recall = f1(found, known)
    assert precision >= 0.8 and recall >= 0.8, (precision, recall, found)
    # Largest group first.
    assert [len(members) for members in found] == sorted(
        (len(members) for members in found), reverse=True)


def test_exact_repeats_are_one_group_and_nothing_is_no_group():
    assert group(["Wie lösche ich mein Konto?"] * 3 + ["Rechnung mit USt-IdNr"]) == [
        [0, 1, 2], [3]]
    assert group([]) == []
