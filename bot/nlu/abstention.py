"""When Bolt abstains: a gate on "is this ours at all" and a confidence threshold, both calibrated
on held-apart messages, per kind and language.

A wrong answer given with confidence is worse than "I don't know". The intent classifier learns the
FAQ topics, the dialogue intents and the two kinds of out-of-scope message (`out_of_scope`: not
ours, such as alarms, weather or another company's refunds; `product_question`: about the
product but not one of the FAQ topics). Bolt answers only when the best label is in scope, the
probability of all in-scope labels together reaches the *gate* (the message is Bolt's to answer:
a domain gate, learnt against the out-of-scope corpus), *and* the best label's probability
reaches the *threshold*; otherwise it abstains. The two ask different things: a question torn
between two close topics is still surely in scope (Bolt answers its best topic), while a message
whose best topic is probable but whose out-of-scope labels together hold a tenth of the
probability is not surely Bolt's. On the calibration set the gate removed about a sixth of
the cost of the threshold alone (docs/performance.md).

Neither is picked by hand. `calibrate` takes the classifier's predictions on the calibration set
(data/calibration/<language>.yml, never trained on) and chooses the pair of least cost there: in
every language, the share of in-scope questions not answered right (abstained on, or answered
with the wrong topic) plus `wrong_answer_cost` times the share of each kind of out-of-scope
message that gets an answer. A cost above 1 says what Bolt stands for: a wrong answer given with
confidence is worse than "I don't know". The coverage/accuracy curves that choice stands on (along
the threshold at the chosen gate, and along the gate at the chosen threshold) are kept with it
(`Calibration.curves`) and written to results/ by the evaluation.

Pure: no Rasa, no model, no files; tested directly.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

import numpy as np

OUT_OF_SCOPE_LABELS: FrozenSet[str] = frozenset({"out_of_scope", "product_question"})
CURVE_STEPS = 50
# The thresholds and gates calibrate() chooses among.
CANDIDATES = tuple(step / 200 for step in range(201))
GATE_CANDIDATES = tuple(step / 40 for step in range(41))
# Costs this close to the least are taken as equal: the cost surface is flat near its least, and
# which of those pairs is lowest by a hair moves with the noise of each training. Of the pairs of
# (practically) least cost, Bolt takes the one that answers the most in-scope calibration
# questions (then the lower gate, then the lower threshold): it answers when it may.
NEAR_LEAST_COST = 0.05


@dataclass(frozen=True)
class Sample:
    """One calibration message: its language, its true label, the classifier's best guess, and
    the probability of all in-scope labels together."""

    language: str
    expected: str
    predicted: str
    confidence: float
    in_scope: float = 1.0


@dataclass(frozen=True)
class Decision:
    """What Bolt does with a message: answer `label`, or abstain (label is None)."""

    label: Optional[str]
    confidence: float
    abstained: bool
    in_scope: float = 1.0


@dataclass(frozen=True)
class Calibration:
    threshold: float
    wrong_answer_cost: float
    out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS
    # language -> {"threshold": the curve along the threshold at the chosen gate, "gate": along
    # the gate at the chosen threshold}; each point: threshold, gate, in-scope coverage and
    # accuracy, and the share of out-of-scope messages answered, per kind.
    curves: Dict[str, Dict[str, List[Dict[str, float]]]] = field(default_factory=dict)
    # A model calibrated before the gate existed unpickles without one: the class default, no gate.
    gate: float = 0.0

    def decide(self, ranking: Sequence[Tuple[str, float]]) -> Decision:
        return decide(ranking, self.threshold, self.out_of_scope_labels, self.gate)


def in_scope_probability(ranking: Sequence[Tuple[str, float]],
                         out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS) -> float:
    """The probability that the message is Bolt's: one minus that of the out-of-scope labels."""
    return max(0.0, 1.0 - sum(p for label, p in ranking if label in out_of_scope_labels))


def decide(ranking: Sequence[Tuple[str, float]], threshold: float,
           out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS,
           gate: float = 0.0) -> Decision:
    """The best label if it is in scope, at least `threshold` probable, and the in-scope labels
    together at least `gate` probable; else an abstention."""
    if not ranking:
        return Decision(None, 0.0, True, 0.0)
    label, confidence = ranking[0]
    in_scope = in_scope_probability(ranking, out_of_scope_labels)
    if label in out_of_scope_labels or confidence < threshold or in_scope < gate:
        return Decision(None, confidence, True, in_scope)
    return Decision(label, confidence, False, in_scope)


def is_answered(sample: Sample, threshold: float,
                out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS,
                gate: float = 0.0) -> bool:
    return (sample.predicted not in out_of_scope_labels and sample.confidence >= threshold
            and sample.in_scope >= gate)


def calibrate(samples: Iterable[Sample], wrong_answer_cost: float,
              out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS) -> Calibration:
    """Of the (threshold, gate) CANDIDATES whose cost on the samples is within NEAR_LEAST_COST
    of the least, the one that answers the most in-scope samples, then the lowest gate, then the
    lowest threshold."""
    if wrong_answer_cost <= 0:
        raise ValueError("wrong_answer_cost must be above 0")
    samples = list(samples)
    costs, coverage = _surfaces(samples, wrong_answer_cost, out_of_scope_labels)
    least = costs.min()
    near = np.argwhere(costs <= least + NEAR_LEAST_COST)
    g, t = min(near, key=lambda at: (-round(float(coverage[at[0], at[1]]), 9), at[0], at[1]))
    threshold, gate = CANDIDATES[t], GATE_CANDIDATES[g]
    return Calibration(threshold, wrong_answer_cost, out_of_scope_labels,
                       curves(samples, threshold, out_of_scope_labels, gate), gate)


def _surfaces(samples: Sequence[Sample], wrong_answer_cost: float,
              out_of_scope_labels: FrozenSet[str]) -> Tuple[np.ndarray, np.ndarray]:
    """cost() and the in-scope samples answered, for every (gate, threshold) of the candidates.

    The cost is linear in which samples are answered: a constant (one per language with in-scope
    samples) less 1/n for each of a language's n in-scope samples answered right, plus the cost
    over n for each of a kind's n samples of a language answered. So each sample gets one
    weight, and a candidate's cost is the weights of the samples it answers, summed."""
    groups: Dict[Tuple[str, str], int] = defaultdict(int)
    for s in samples:
        groups[(s.language, _kind(s, out_of_scope_labels))] += 1
    weight = np.zeros(len(samples))
    counts_in = np.zeros(len(samples))
    for i, s in enumerate(samples):
        kind = _kind(s, out_of_scope_labels)
        if kind == "in_scope":
            weight[i] = -1.0 / groups[(s.language, kind)] if s.predicted == s.expected else 0.0
            counts_in[i] = 1.0
        else:
            weight[i] = wrong_answer_cost / groups[(s.language, kind)]
    constant = len({language for language, kind in groups if kind == "in_scope"})
    guessed = np.array([s.predicted not in out_of_scope_labels for s in samples], dtype=bool)
    confidence = np.array([s.confidence for s in samples])
    in_scope = np.array([s.in_scope for s in samples])
    reaches = confidence[None, :] >= np.asarray(CANDIDATES)[:, None]
    costs = np.empty((len(GATE_CANDIDATES), len(CANDIDATES)))
    coverage = np.empty_like(costs)
    for g, gate in enumerate(GATE_CANDIDATES):
        answered = (reaches & (guessed & (in_scope >= gate))[None, :]).astype(float)
        costs[g] = constant + answered @ weight
        coverage[g] = answered @ counts_in
    return costs, coverage


def _kind(sample: Sample, out_of_scope_labels: FrozenSet[str]) -> str:
    return sample.expected if sample.expected in out_of_scope_labels else "in_scope"


def cost(samples: Sequence[Sample], threshold: float, wrong_answer_cost: float,
         out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS, gate: float = 0.0) -> float:
    """Summed over languages: in-scope misses, plus the cost times each kind's answered share."""
    by_language: Dict[str, List[Sample]] = defaultdict(list)
    for sample in samples:
        by_language[sample.language].append(sample)
    total = 0.0
    for members in by_language.values():
        measured = point(members, threshold, out_of_scope_labels, gate)
        if any(s.expected not in out_of_scope_labels for s in members):
            total += 1.0 - measured["top1"]
        for kind in out_of_scope_labels:
            if any(s.expected == kind for s in members):
                total += wrong_answer_cost * measured[f"{kind}_answered"]
    return total


def curves(samples: Sequence[Sample], chosen: float,
           out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS, gate: float = 0.0
           ) -> Dict[str, Dict[str, List[Dict[str, float]]]]:
    """Per language, the trade-off at evenly spaced thresholds (at the chosen gate) and at evenly
    spaced gates (at the chosen threshold), each including the chosen pair."""
    by_language: Dict[str, List[Sample]] = defaultdict(list)
    for sample in samples:
        by_language[sample.language].append(sample)
    steps = {round(step / CURVE_STEPS, 4) for step in range(CURVE_STEPS + 1)}
    thresholds, gates = sorted(steps | {chosen}), sorted(steps | {gate})
    return {language: {
        "threshold": [point(members, t, out_of_scope_labels, gate) for t in thresholds],
        "gate": [point(members, chosen, out_of_scope_labels, g) for g in gates],
    } for language, members in sorted(by_language.items())}


def point(samples: Sequence[Sample], threshold: float,
          out_of_scope_labels: FrozenSet[str] = OUT_OF_SCOPE_LABELS,
          gate: float = 0.0) -> Dict[str, float]:
    """Coverage and accuracy of the in-scope messages, and the out-of-scope answered, per kind.

    coverage: answered / in-scope messages; accuracy: answered correctly / answered;
    top1: answered correctly / in-scope messages (an abstention counts as a miss).
    """
    in_scope = [s for s in samples if s.expected not in out_of_scope_labels]
    answered = [s for s in in_scope if is_answered(s, threshold, out_of_scope_labels, gate)]
    correct = [s for s in answered if s.predicted == s.expected]
    result = {
        "threshold": threshold,
        "gate": gate,
        "coverage": _share(len(answered), len(in_scope)),
        "accuracy": _share(len(correct), len(answered)),
        "top1": _share(len(correct), len(in_scope)),
    }
    for kind in sorted(out_of_scope_labels):
        members = [s for s in samples if s.expected == kind]
        hits = sum(is_answered(s, threshold, out_of_scope_labels, gate) for s in members)
        result[f"{kind}_answered"] = _share(hits, len(members))
    return result


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
