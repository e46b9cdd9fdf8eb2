"""`bolt content report`: per topic and language, how many examples it has and how well the
model recognised its held-out questions at the last evaluation; then, per language, how often
Bolt abstained where it should and answered where it should.

The held-out evaluations write results/holdout-accuracy.json (tests/model/test_accuracy.py,
through `write_evaluation`) and results/abstention.json (tests/model/test_out_of_scope.py,
through `write_abstention`); this module is the one place that knows those files' shapes.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from bolt.editing.checks import MIN_TRAINING_EXAMPLES, normalise
from bolt.editing.quality_bars import TOPIC_BAR
from bolt.editing.tree import ContentTree
from bolt.core.languages import SUPPORTED_LANGUAGES

EVALUATION_FILE = Path("results") / "holdout-accuracy.json"
ABSTENTION_FILE = Path("results") / "abstention.json"
KIND_NAMES = {"out_of_scope": "not ours", "product_question": "product questions"}


@dataclass(frozen=True)
class TopicEvaluation:
    model: Optional[str]
    evaluated_at: Optional[str]
    accuracy: Mapping[Tuple[str, str], float]  # (language, intent) -> share of correct answers
    questions: Mapping[Tuple[str, str], int]


def evaluation_record(results: Iterable[Tuple[str, str, str, str]], model: str) -> dict:
    """The JSON written after an evaluation; results are (language, text, expected, got)."""
    hits: Dict[str, Dict[str, List[bool]]] = defaultdict(lambda: defaultdict(list))
    rows = list(results)
    for language, _, expected, got in rows:
        hits[language][expected].append(expected == got)
    by_language = {lang: sum(sum(v) for v in topics.values()) / sum(len(v) for v in topics.values())
                   for lang, topics in hits.items()}
    return {
        "model": model,
        "evaluated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "accuracy_by_language": by_language,
        "accuracy_by_topic": {lang: {topic: sum(v) / len(v) for topic, v in sorted(topics.items())}
                              for lang, topics in hits.items()},
        "questions_by_topic": {lang: {topic: len(v) for topic, v in sorted(topics.items())}
                               for lang, topics in hits.items()},
        "errors": [dict(zip(("language", "text", "expected", "predicted"), row))
                   for row in rows if row[2] != row[3]],
    }


def _write_results(path: Path, record: dict) -> Path:
    """Writes a results file of an evaluation (indented JSON) and returns its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def write_evaluation(home: Path, record: dict) -> Path:
    return _write_results(home / EVALUATION_FILE, record)


def _read_results(path: Path) -> Optional[dict]:
    """A results file of the last evaluation, or None when there was none."""
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: cannot read the last evaluation: {error}") from error


def read_evaluation(home: Path) -> Optional[TopicEvaluation]:
    raw = _read_results(home / EVALUATION_FILE)
    if raw is None:
        return None
    by_topic = raw.get("accuracy_by_topic") or {}
    counts = raw.get("questions_by_topic") or {}
    return TopicEvaluation(
        model=raw.get("model"),
        evaluated_at=raw.get("evaluated_at"),
        accuracy={(lang, topic): float(acc) for lang, topics in by_topic.items()
                  for topic, acc in topics.items()},
        questions={(lang, topic): int(n) for lang, topics in counts.items()
                   for topic, n in topics.items()},
    )


@dataclass(frozen=True)
class Cell:
    examples: int
    accuracy: Optional[float]

    @property
    def needs_work(self) -> bool:
        return self.examples < MIN_TRAINING_EXAMPLES or (
            self.accuracy is not None and self.accuracy < TOPIC_BAR)

    def render(self) -> str:
        shown = "  -" if self.accuracy is None else f"{self.accuracy * 100:3.0f}%"
        return f"{self.examples:3d} {shown}{'*' if self.needs_work else ' '}"


def topic_cells(tree: ContentTree, evaluation: Optional[TopicEvaluation]
                ) -> Dict[str, Dict[str, Cell]]:
    distinct: Dict[Tuple[str, str], set] = defaultdict(set)
    for example in tree.examples:
        distinct[(example.language, example.intent)].add(normalise(example.text))
    accuracy = evaluation.accuracy if evaluation else {}
    return {intent: {lang: Cell(len(distinct[(lang, intent)]), accuracy.get((lang, intent)))
                     for lang in SUPPORTED_LANGUAGES}
            for intent in sorted(tree.intents())}


def render_report(cells: Mapping[str, Mapping[str, Cell]],
                  evaluation: Optional[TopicEvaluation],
                  languages: Sequence[str] = SUPPORTED_LANGUAGES) -> str:
    width = max([len("topic")] + [len(t) for t in cells])
    header = f"{'topic':<{width}} " + " ".join(f"{lang:>10}" for lang in languages)
    lines = ["Examples and held-out accuracy per topic and language (examples / accuracy).",
             header, "-" * len(header)]
    for topic, row in cells.items():
        lines.append(f"{topic:<{width}} " + " ".join(f"{row[l].render():>10}" for l in languages))
    lines.append("")
    lines.append(f"* needs work: fewer than {MIN_TRAINING_EXAMPLES} examples, or under "
                 f"{TOPIC_BAR:.0%} of its held-out questions answered right. Add examples there.")
    if evaluation is None:
        lines.append(f"No evaluation yet ({EVALUATION_FILE} is missing): accuracy shows as -. "
                     "Run `bolt content report --evaluate` after training.")
    else:
        lines.append(f"Accuracy from the evaluation of {evaluation.model or 'an unnamed model'}"
                     f" at {evaluation.evaluated_at or 'an unknown time'}; - where a topic had "
                     "no held-out questions.")
    return "\n".join(lines)


def write_abstention(home: Path, record: dict) -> Path:
    """record: {"model", "threshold", "gate", "languages": {language: {"in_scope_top1", "answered":
    {kind: share}, ...}}} as support/abstention_eval.py reports it."""
    stamped = {"evaluated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **record}
    return _write_results(home / ABSTENTION_FILE, stamped)


def read_abstention(home: Path) -> Optional[dict]:
    return _read_results(home / ABSTENTION_FILE)


def render_abstention(record: Optional[dict],
                      languages: Sequence[str] = SUPPORTED_LANGUAGES) -> str:
    """Per language: in-scope questions answered right, out-of-scope messages answered by kind."""
    if record is None:
        return (f"No abstention figures yet ({ABSTENTION_FILE} is missing). Run "
                "`bolt content report --evaluate` after training.")
    figures = record.get("languages") or {}
    kinds = sorted(KIND_NAMES)
    header = f"{'':<28} " + " ".join(f"{lang:>6}" for lang in languages)
    lines = ["When Bolt answers and when it abstains, on the held-out sets:", header,
             "-" * len(header)]
    rows = [("in-scope answered right", lambda f: f.get("in_scope_top1"))]
    rows += [(f"{KIND_NAMES[kind]} answered", lambda f, k=kind: (f.get("answered") or {}).get(k))
             for kind in kinds]
    for label, value in rows:
        cells = []
        for lang in languages:
            share = value(figures.get(lang) or {})
            cells.append(f"{'-' if share is None else f'{share * 100:.0f}%':>6}")
        lines.append(f"{label:<28} " + " ".join(cells))
    gate = f", in-scope gate {record['gate']}" if record.get("gate") else ""
    lines.append(f"Threshold {record.get('threshold', '?')}{gate} of "
                 f"{record.get('model') or 'the model'}"
                 f", evaluated at {record.get('evaluated_at') or 'an unknown time'}. The messages "
                 f"answered and the questions missed are listed in {ABSTENTION_FILE}.")
    return "\n".join(lines)
