"""The relevance floor: the least score a section needs to be suggested, calibrated.

A wrong suggestion costs the user more than none: they read an article that does not answer
them. The floor is not picked by hand. `calibrate` takes, for each question of a development
set, the scores of its best sections and whether each is a right one, and for "not ours"
questions (nothing in the help center answers them) the best score; it chooses the floor of
least cost: in every language, the share of answerable questions whose right section is not
among the suggestions, plus `wrong_suggestion_cost` times the share of "not ours" questions
that get a suggestion. Of the floors of practically least cost, the lowest is taken: Bolt
suggests when it may. `support/articles_eval.py` runs it and writes relevance_floor.json.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

FLOOR_FILE = Path(__file__).resolve().parent / "relevance_floor.json"
CANDIDATES = tuple(step / 200 for step in range(201))
NEAR_LEAST_COST = 0.05


@dataclass(frozen=True)
class Sample:
    language: str
    # (score, right) for the best sections, best first; for a "not ours" question every
    # suggestion is wrong.
    ranked: Tuple[Tuple[float, bool], ...]
    ours: bool


@dataclass(frozen=True)
class Floor:
    floor: float
    wrong_suggestion_cost: float
    # language -> what the development set measured at the floor
    development: Dict[str, Dict[str, float]] = field(default_factory=dict)


def found(sample: Sample, floor: float) -> bool:
    return any(right and score >= floor for score, right in sample.ranked)


def suggested(sample: Sample, floor: float) -> bool:
    return any(score >= floor for score, _ in sample.ranked)


def measure(samples: Sequence[Sample], floor: float) -> Dict[str, float]:
    ours = [s for s in samples if s.ours]
    not_ours = [s for s in samples if not s.ours]
    return {
        "hit_rate": _share(sum(found(s, floor) for s in ours), len(ours)),
        "not_ours_suggested": _share(sum(suggested(s, floor) for s in not_ours), len(not_ours)),
        "questions": len(ours),
        "not_ours": len(not_ours),
    }


def cost(samples: Sequence[Sample], floor: float, wrong_suggestion_cost: float) -> float:
    by_language: Dict[str, List[Sample]] = defaultdict(list)
    for sample in samples:
        by_language[sample.language].append(sample)
    total = 0.0
    for members in by_language.values():
        measured = measure(members, floor)
        if measured["questions"]:
            total += 1.0 - measured["hit_rate"]
        if measured["not_ours"]:
            total += wrong_suggestion_cost * measured["not_ours_suggested"]
    return total


def calibrate(samples: Iterable[Sample], wrong_suggestion_cost: float) -> Floor:
    if wrong_suggestion_cost <= 0:
        raise ValueError("wrong_suggestion_cost must be above 0")
    samples = list(samples)
    costs = {f: cost(samples, f, wrong_suggestion_cost) for f in CANDIDATES}
    least = min(costs.values())
    best = min(f for f, c in costs.items() if c <= least + NEAR_LEAST_COST)
    by_language: Dict[str, List[Sample]] = defaultdict(list)
    for sample in samples:
        by_language[sample.language].append(sample)
    return Floor(best, wrong_suggestion_cost,
                 {language: measure(members, best)
                  for language, members in sorted(by_language.items())})


def load_floor(path: Optional[Path] = None) -> Floor:
    data = json.loads((path or FLOOR_FILE).read_text(encoding="utf-8"))
    return Floor(float(data["floor"]), float(data["wrong_suggestion_cost"]),
                 data.get("development", {}))


def save_floor(floor: Floor, path: Optional[Path] = None) -> None:
    (path or FLOOR_FILE).write_text(json.dumps(asdict(floor), indent=2, sort_keys=True) + "\n",
                                    encoding="utf-8")


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
