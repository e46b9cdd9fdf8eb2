"""The relevance floors: the least score a section needs to be suggested, one per language,
calibrated.

A wrong suggestion costs the user more than none: they read an article that does not answer
them. The floors are not picked by hand. `calibrate` takes, for each question of a development
set, the scores of its best sections and whether each is a right one, and for "not ours"
questions (nothing in the help center answers them) the best scores; in each language it
chooses the floor of least cost: the share of answerable questions whose right section is not
among the suggestions, plus `wrong_suggestion_cost` times the share of "not ours" questions
that get a suggestion. Of the floors of practically least cost, the lowest is taken: Bolt
suggests when it may. Each language has its own floor because scores do not mean the same
across languages: Japanese questions, cut into more and shorter words, score lower than
English ones that answer as well. `curve` gives the cost of every candidate floor, for
checking the choice. `support/articles_eval.py` runs it and writes relevance_floor.json.
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
    floors: Dict[str, float]  # language -> its floor
    wrong_suggestion_cost: float
    # language -> what the development set measured at its floor
    development: Dict[str, Dict[str, float]] = field(default_factory=dict)

    def of(self, language: str) -> float:
        """The language's floor; the highest of them for a language not calibrated."""
        return self.floors.get(language, max(self.floors.values(), default=0.0))


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
    """The cost of a floor over one language's samples."""
    measured = measure(samples, floor)
    total = 0.0
    if measured["questions"]:
        total += 1.0 - measured["hit_rate"]
    if measured["not_ours"]:
        total += wrong_suggestion_cost * measured["not_ours_suggested"]
    return total


def by_language(samples: Iterable[Sample]) -> Dict[str, List[Sample]]:
    found: Dict[str, List[Sample]] = defaultdict(list)
    for sample in samples:
        found[sample.language].append(sample)
    return dict(sorted(found.items()))


def curve(samples: Sequence[Sample], wrong_suggestion_cost: float
          ) -> List[Dict[str, float]]:
    """For each candidate floor, what one language's samples measure there and its cost."""
    return [{"floor": f, **measure(samples, f), "cost": cost(samples, f, wrong_suggestion_cost)}
            for f in CANDIDATES]


def calibrate(samples: Iterable[Sample], wrong_suggestion_cost: float) -> Floor:
    if wrong_suggestion_cost <= 0:
        raise ValueError("wrong_suggestion_cost must be above 0")
    floors: Dict[str, float] = {}
    development: Dict[str, Dict[str, float]] = {}
    for language, members in by_language(samples).items():
        costs = {f: cost(members, f, wrong_suggestion_cost) for f in CANDIDATES}
        least = min(costs.values())
        floors[language] = min(f for f, c in costs.items() if c <= least + NEAR_LEAST_COST)
        development[language] = measure(members, floors[language])
    return Floor(floors, wrong_suggestion_cost, development)


def load_floor(path: Optional[Path] = None) -> Floor:
    data = json.loads((path or FLOOR_FILE).read_text(encoding="utf-8"))
    return Floor({language: float(f) for language, f in data["floors"].items()},
                 float(data["wrong_suggestion_cost"]), data.get("development", {}))


def save_floor(floor: Floor, path: Optional[Path] = None) -> None:
    (path or FLOOR_FILE).write_text(json.dumps(asdict(floor), indent=2, sort_keys=True) + "\n",
                                    encoding="utf-8")


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
