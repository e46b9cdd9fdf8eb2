"""When Bolt abstains: a confidence threshold calibrated on held-apart messages, per kind and language.

A wrong answer given with confidence is worse than "I don't know". The intent classifier learns the
FAQ topics, the dialogue intents and the two kinds of out-of-scope message (`out_of_scope`: not
ours, such as alarms, weather or another company's refunds; `product_question`: about the
product but not one of the FAQ topics). Bolt answers only when the best label is in scope *and*
its calibrated probability reaches a threshold; otherwise it abstains.

The threshold is not picked by hand. `calibrate` takes the classifier's predictions on the
calibration set (data/calibration/<language>.yml, never trained on) and chooses the threshold
of least cost there: in every language, the share of in-scope questions not answered right
(abstained on, or answered with the wrong topic) plus `wrong_answer_cost` times the share of
each kind of out-of-scope message that gets an answer. A cost above 1 says what Bolt stands
for: a wrong answer given with confidence is worse than "I don't know". The coverage/accuracy
curve that choice stands on is kept with it (`Calibration.curves`) and written to results/ by
the evaluation.

Pure: no Rasa, no model, no files; tested directly.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

OUT_OF_SCOPE_LABELS: FrozenSet[str] = frozenset({"out_of_scope", "product_question"})
CURVE_STEPS = 50
# The thresholds calibrate() chooses among.
CANDIDATES = tuple(step / 200 for step in range(201))
# Costs this close to the least are taken as equal: the cost curve is flat near its least, and
# which of those thresholds is lowest by a hair moves with the noise of each training. Of the
# thresholds of (practically) least cost, Bolt takes the lowest: it answers when it may.
NEAR_LEAST_COST = 0.05


@dataclass(frozen=True)
class Sample:
    """One calibration message: its language, its true label, and the classifier's best guess."""

    language: str
    expected: str
    predicted: str
    confidence: float


@dataclass(frozen=True)
class Decision:
    """What Bolt does with a message: answer `label`, or abstain (label is None)."""

    label: Optional[str]
    confidence: float
    abstained: bool


@dataclass(frozen=True)
class Calibration:
    threshold: float
    wrong_answer_cost: float
    out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS
    # language -> one point per threshold: threshold, in-scope coverage and accuracy, and the
    # share of out-of-scope messages answered, per kind.
    curves: Dict[str, List[Dict[str, float]]] = field(default_factory=dict)

    def decide(self, ranking: Sequence[Tuple[str, float]]) -> Decision:
        return decide(ranking, self.threshold, self.out_of_scope_labels)


def decide(ranking: Sequence[Tuple[str, float]], threshold: float,
           out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS) -> Decision:
    """The best label if it is in scope and at least `threshold` probable, else an abstention."""
    if not ranking:
        return Decision(None, 0.0, True)
    label, confidence = ranking[0]
    if label in out_of_scope_labels or confidence < threshold:
        return Decision(None, confidence, True)
    return Decision(label, confidence, False)


def is_answered(sample: Sample, threshold: float,
                out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS) -> bool:
    return sample.predicted not in out_of_scope_labels and sample.confidence >= threshold


def calibrate(samples: Iterable[Sample], wrong_answer_cost: float,
              out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS) -> Calibration:
    """The lowest of the CANDIDATES whose cost on the samples is within NEAR_LEAST_COST of the
    least."""
    if wrong_answer_cost <= 0:
        raise ValueError("wrong_answer_cost must be above 0")
    samples = list(samples)
    costs = {t: cost(samples, t, wrong_answer_cost, out_of_scope_labels) for t in CANDIDATES}
    least = min(costs.values())
    best = min(t for t, c in costs.items() if c <= least + NEAR_LEAST_COST)
    return Calibration(best, wrong_answer_cost, out_of_scope_labels,
                       curves(samples, best, out_of_scope_labels))


def cost(samples: Sequence[Sample], threshold: float, wrong_answer_cost: float,
         out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS) -> float:
    """Summed over languages: in-scope misses, plus the cost times each kind's answered share."""
    by_language: Dict[str, List[Sample]] = defaultdict(list)
    for sample in samples:
        by_language[sample.language].append(sample)
    total = 0.0
    for members in by_language.values():
        measured = point(members, threshold, out_of_scope_labels)
        if any(s.expected not in out_of_scope_labels for s in members):
            total += 1.0 - measured["top1"]
        for kind in out_of_scope_labels:
            if any(s.expected == kind for s in members):
                total += wrong_answer_cost * measured[f"{kind}_answered"]
    return total


def curves(samples: Sequence[Sample], chosen: float,
           out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS
           ) -> Dict[str, List[Dict[str, float]]]:
    """Per language, the trade-off at evenly spaced thresholds and at the chosen one."""
    by_language: Dict[str, List[Sample]] = defaultdict(list)
    for sample in samples:
        by_language[sample.language].append(sample)
    thresholds = sorted({round(step / CURVE_STEPS, 4) for step in range(CURVE_STEPS + 1)}
                        | {chosen})
    return {language: [point(members, t, out_of_scope_labels) for t in thresholds]
            for language, members in sorted(by_language.items())}


def point(samples: Sequence[Sample], threshold: float,
          out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS) -> Dict[str, float]:
    """Coverage and accuracy of the in-scope messages, and the out-of-scope answered, per kind.

    coverage: answered / in-scope messages; accuracy: answered correctly / answered;
    top1: answered correctly / in-scope messages (an abstention counts as a miss).
    """
    in_scope = [s for s in samples if s.expected not in out_of_scope_labels]
    answered = [s for s in in_scope if is_answered(s, threshold, out_of_scope_labels)]
    correct = [s for s in answered if s.predicted == s.expected]
    result = {
        "threshold": threshold,
        "coverage": _share(len(answered), len(in_scope)),
        "accuracy": _share(len(correct), len(answered)),
        "top1": _share(len(correct), len(in_scope)),
    }
    for kind in sorted(out_of_scope_labels):
        members = [s for s in samples if s.expected == kind]
        hits = sum(is_answered(s, threshold, out_of_scope_labels) for s in members)
        result[f"{kind}_answered"] = _share(hits, len(members))
    return result


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
