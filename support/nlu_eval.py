"""Evaluates a trained model on the held-out set: top-1 accuracy per language and per topic."""
from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

from bolt.editing.held_out import predicted_label
from support.content import LANGUAGES, holdout_pairs, plain_text

__all__ = ["Evaluation", "evaluate", "predicted_label"]


@dataclass
class Evaluation:
    results: List[Tuple[str, str, str, str]] = field(default_factory=list)  # lang, text, gold, got

    def accuracy_by_language(self) -> Dict[str, float]:
        totals: Dict[str, List[bool]] = defaultdict(list)
        for language, _, gold, got in self.results:
            totals[language].append(gold == got)
        return {lang: sum(hits) / len(hits) for lang, hits in totals.items()}

    def accuracy_by_topic(self) -> Dict[Tuple[str, str], float]:
        totals: Dict[Tuple[str, str], List[bool]] = defaultdict(list)
        for language, _, gold, got in self.results:
            totals[(language, gold)].append(gold == got)
        return {key: sum(hits) / len(hits) for key, hits in totals.items()}

    def errors(self) -> List[Tuple[str, str, str, str]]:
        return [r for r in self.results if r[2] != r[3]]


async def _parse_all(agent: Any, texts: List[str]) -> List[Dict[str, Any]]:
    return [await agent.parse_message(text) for text in texts]


def evaluate(agent: Any) -> Tuple[Evaluation, Dict[str, List[Tuple[str, Dict[str, Any]]]]]:
    evaluation = Evaluation()
    parses: Dict[str, List[Tuple[str, Dict[str, Any]]]] = {}
    for language in LANGUAGES:
        pairs = holdout_pairs(language)
        results = asyncio.run(_parse_all(agent, [plain_text(t) for t, _ in pairs]))
        parses[language] = []
        for (annotated, gold), parse in zip(pairs, results):
            evaluation.results.append((language, parse["text"], gold, predicted_label(parse)))
            parses[language].append((annotated, parse))
    return evaluation, parses
