"""What Bolt decides on the held-out sets: answered or abstained, per language and kind of message.

In scope (tests/data/holdout/<language>.yml): a question is answered right when Bolt answers its
topic; abstaining or answering another topic is a miss. Out of scope
(tests/data/out_of_scope/<language>.yml, one entry per kind: `out_of_scope` for what is not
ours, `product_question` for product questions no topic answers): a message is answered when
Bolt replies with anything but its honest answer. Shared by tests/model/test_out_of_scope.py and
bench/abstention_bench.py.
"""
from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

from actions.honest_answer import faq_probabilities
from bolt.editing.held_out import ABSTAINED, decided
from bot.nlu.abstention import OUT_OF_SCOPE_LABELS, Sample, curves, in_scope_probability
from support import REPOSITORY
from support.content import LANGUAGES, holdout_pairs, plain_text

OUT_OF_SCOPE_DIR = REPOSITORY / "tests" / "data" / "out_of_scope"
CALIBRATION_DIR = REPOSITORY / "data" / "calibration"


def flat_ranking(parse: Dict[str, Any]) -> List[Tuple[str, float]]:
    """Every label with its own probability, `faq/<key>` as P(faq) x P(key | faq) (as the honest
    answer weighs topics, actions/honest_answer.py), best first."""
    ranking = [(ranked["name"], ranked["confidence"]) for ranked in parse.get("intent_ranking") or []
               if ranked["name"] not in ("faq", "nlu_fallback")]
    ranking += [(f"faq/{key}", p) for p, key in faq_probabilities(parse)]
    return sorted(ranking, key=lambda pair: -pair[1])


def examples(path: Path) -> List[Tuple[str, str]]:
    """(text, label) of an NLU file, entity annotations removed."""
    pairs = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        for line in item["examples"].splitlines():
            if line.strip().startswith("- "):
                pairs.append((plain_text(line.strip()[2:]), item["intent"]))
    return pairs


@dataclass
class Decisions:
    # language, text, expected label, what Bolt did, its confidence
    rows: List[Tuple[str, str, str, str, float]] = field(default_factory=list)

    def in_scope_top1(self) -> Dict[str, float]:
        """language -> the share of in-scope questions answered with their topic."""
        return _shares([(lang, got == gold) for lang, _, gold, got, _ in self.rows
                        if gold not in OUT_OF_SCOPE_LABELS])

    def topic_top1(self) -> Dict[Tuple[str, str], float]:
        return _shares([((lang, gold), got == gold) for lang, _, gold, got, _ in self.rows
                        if gold not in OUT_OF_SCOPE_LABELS])

    def answered(self) -> Dict[Tuple[str, str], float]:
        """(language, kind) -> the share of its out-of-scope messages that got an answer."""
        return _shares([((lang, gold), got != ABSTAINED) for lang, _, gold, got, _ in self.rows
                        if gold in OUT_OF_SCOPE_LABELS])

    def report(self) -> Dict[str, Any]:
        """Per language: the figures, the out-of-scope messages answered, the questions missed."""
        report: Dict[str, Any] = {}
        top1, answered = self.in_scope_top1(), self.answered()
        for language in sorted({row[0] for row in self.rows}):
            rows = [r for r in self.rows if r[0] == language]
            report[language] = {
                "in_scope_top1": round(top1.get(language, 0.0), 4),
                "answered": {kind: round(answered.get((language, kind), 0.0), 4)
                             for kind in sorted(OUT_OF_SCOPE_LABELS)},
                "out_of_scope_answered": [
                    {"text": text, "kind": gold, "answer": got, "confidence": round(p, 3)}
                    for _, text, gold, got, p in rows
                    if gold in OUT_OF_SCOPE_LABELS and got != ABSTAINED],
                "in_scope_missed": [
                    {"text": text, "topic": gold, "decided": got, "confidence": round(p, 3)}
                    for _, text, gold, got, p in rows
                    if gold not in OUT_OF_SCOPE_LABELS and got != gold],
            }
        return report


def _shares(pairs: List[Tuple[Any, bool]]) -> Dict[Any, float]:
    totals: Dict[Any, List[bool]] = defaultdict(list)
    for group, hit in pairs:
        totals[group].append(hit)
    return {group: sum(hits) / len(hits) for group, hits in totals.items()}


async def _parse_all(agent: Any, texts: List[str]) -> List[Dict[str, Any]]:
    return [await agent.parse_message(text) for text in texts]


def decide_held_out(agent: Any) -> Decisions:
    """Bolt's decision on every held-out message, in scope and out of scope, in every language."""
    decisions = Decisions()
    for language in LANGUAGES:
        pairs = [(plain_text(text), gold) for text, gold in holdout_pairs(language)]
        pairs += examples(OUT_OF_SCOPE_DIR / f"{language}.yml")
        parses = asyncio.run(_parse_all(agent, [text for text, _ in pairs]))
        for (text, gold), parse in zip(pairs, parses):
            decisions.rows.append((language, text, gold, decided(parse),
                                   float(parse["intent"]["confidence"])))
    return decisions


def calibration_curves(agent: Any, threshold: float, gate: float
                       ) -> Dict[str, Dict[str, List[Dict[str, float]]]]:
    """The coverage/accuracy curves per language on the calibration set, as the model sees it."""
    samples = []
    for language in LANGUAGES:
        pairs = examples(CALIBRATION_DIR / f"{language}.yml")
        parses = asyncio.run(_parse_all(agent, [text for text, _ in pairs]))
        for (_, gold), parse in zip(pairs, parses):
            # The model's own in-scope probability: the parse's ranking is cut to its top labels.
            in_scope = (parse.get("abstention") or {}).get("in_scope")
            ranking = flat_ranking(parse)
            samples.append(Sample(language, gold, *ranking[0],
                                  in_scope_probability(ranking) if in_scope is None else in_scope))
    return curves(samples, threshold, gate=gate)
