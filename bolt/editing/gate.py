"""The publish gate: a model goes live only if it meets the quality bars
(bolt/editing/quality_bars.py) on the held-out sets (bolt/editing/held_out.py).

Two checks, named in what `bolt content publish` answers when one refuses a model:
- `accuracy`: the share of held-out questions whose topic the model ranks first, per language
  and per topic in each language;
- `out_of_scope`: the share of out-of-scope messages of each kind Bolt answers, per language,
  and the share of in-scope questions it answers with their own topic (an abstaining model
  passes the first by failing the second).

`judge` is pure (rows in, verdict out); `evaluate_model` loads the model in this process with
Rasa and parses every held-out message through the model's own components.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, Hashable, Iterable, List, Optional, Sequence, Tuple

from bolt.editing.held_out import ABSTAINED, HeldOut, decided, predicted_label, read_held_out
from bolt.editing.quality_bars import (GATE_TOLERANCE, IN_SCOPE_BAR, LANGUAGE_BAR, TOPIC_BAR,
                                       answered_bar)
from bot.nlu.abstention import OUT_OF_SCOPE_LABELS

ACCURACY = "accuracy"
OUT_OF_SCOPE = "out_of_scope"
CHECKS = (ACCURACY, OUT_OF_SCOPE)
# Failures named in the message; the rest are counted.
NAMED_FAILURES = 4


@dataclass(frozen=True)
class Row:
    """One held-out message and what the model made of it."""

    language: str
    text: str
    expected: str  # `faq/<key>`, a dialogue intent, or an out-of-scope kind
    ranked_first: str  # predicted_label: what the classifier ranks first
    decision: str  # decided: what Bolt does, `abstained` included


@dataclass(frozen=True)
class Verdict:
    passed: bool
    failed_check: Optional[str]
    message: str
    figures: Dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


def _shares(pairs: Iterable[Tuple[Hashable, bool]]) -> Dict[Any, float]:
    totals: Dict[Any, List[bool]] = defaultdict(list)
    for group, hit in pairs:
        totals[group].append(hit)
    return {group: sum(hits) / len(hits) for group, hits in totals.items()}


def _least(bar: float) -> float:
    """The lowest share the gate takes where the bar is a minimum."""
    return bar - GATE_TOLERANCE


def _most(bar: float) -> float:
    """The highest share the gate takes where the bar is a maximum."""
    return bar + GATE_TOLERANCE


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def judge(rows: Sequence[Row]) -> Verdict:
    """The verdict on a model from its rows: the first check that fails refuses it."""
    in_scope = [r for r in rows if r.expected not in OUT_OF_SCOPE_LABELS]
    out_of_scope = [r for r in rows if r.expected in OUT_OF_SCOPE_LABELS]
    if not in_scope or not out_of_scope:
        return Verdict(False, ACCURACY if not in_scope else OUT_OF_SCOPE,
                       "the held-out sets are empty: nothing shows this model is good enough")
    by_language = _shares((r.language, r.ranked_first == r.expected) for r in in_scope)
    by_topic = _shares(((r.language, r.expected), r.ranked_first == r.expected)
                       for r in in_scope)
    topic_misses = Counter((r.language, r.expected) for r in in_scope
                           if r.ranked_first != r.expected)
    answered_right = _shares((r.language, r.decision == r.expected) for r in in_scope)
    answered = _shares(((r.language, r.expected), r.decision != ABSTAINED)
                       for r in out_of_scope)
    failures: Dict[str, List[str]] = {check: [] for check in CHECKS}
    for language, share in sorted(by_language.items()):
        if share < _least(LANGUAGE_BAR):
            failures[ACCURACY].append(f"{language}: {_percent(share)} of the held-out questions "
                                      f"get their topic (at least {_percent(_least(LANGUAGE_BAR))})")
    for (language, topic), share in sorted(by_topic.items()):
        # One question of a topic's few (a new topic may have five) is not a trend.
        if share < _least(TOPIC_BAR) and topic_misses[(language, topic)] > 1:
            failures[ACCURACY].append(f"{language} {topic}: {_percent(share)} of its held-out "
                                      f"questions (at least {_percent(_least(TOPIC_BAR))})")
    for (language, kind), share in sorted(answered.items()):
        bar = _most(answered_bar(kind))
        if share > bar:
            failures[OUT_OF_SCOPE].append(f"{language}: {_percent(share)} of the {kind} messages "
                                          f"are answered (at most {_percent(bar)})")
    for language, share in sorted(answered_right.items()):
        if share < _least(IN_SCOPE_BAR):
            failures[OUT_OF_SCOPE].append(f"{language}: {_percent(share)} of the in-scope "
                                          "questions are answered with their topic (at least "
                                          f"{_percent(_least(IN_SCOPE_BAR))})")
    figures = {
        "accuracy_by_language": by_language,
        "in_scope_answered_right": answered_right,
        "out_of_scope_answered": {f"{lang} {kind}": share
                                  for (lang, kind), share in sorted(answered.items())},
        "questions": len(in_scope), "out_of_scope_messages": len(out_of_scope),
    }
    failed = [check for check in CHECKS if failures[check]]
    if not failed:
        return Verdict(True, None, f"it meets the bars on {len(in_scope)} held-out questions "
                                   f"and {len(out_of_scope)} out-of-scope messages", figures)
    check = failed[0]
    named = failures[check][:NAMED_FAILURES]
    more = len(failures[check]) - len(named)
    message = f"the {check} check failed: " + "; ".join(named) + (
        f"; and {more} more" if more else "")
    if len(failed) > 1:
        message += f" (the {failed[1]} check failed too)"
    return Verdict(False, check, message, figures)


def rows_of(held_out: Sequence[HeldOut], parses: Sequence[Sequence[Dict[str, Any]]]
            ) -> List[Row]:
    """The rows of each language's messages and their parses, in the order read."""
    rows = []
    for sets, language_parses in zip(held_out, parses):
        for (text, expected), parse in zip(sets.in_scope + sets.out_of_scope, language_parses):
            rows.append(Row(sets.language, text, expected, predicted_label(parse),
                            decided(parse)))
    return rows


def evaluate_model(model: Path, folder: Path, languages: Tuple[str, ...]) -> Verdict:
    """Loads `model` here (not on a server) and judges it on the held-out sets in `folder`."""
    from rasa.core.agent import Agent  # imports Rasa: only when a model is evaluated

    held_out = read_held_out(folder, languages)
    processor = Agent.load(str(model)).processor
    parses = [parse_many(processor, [text for text, _ in sets.in_scope + sets.out_of_scope])
              for sets in held_out]
    return judge(rows_of(held_out, parses))


def parse_many(processor: Any, texts: List[str]) -> List[Dict[str, Any]]:
    """What the model's NLU makes of each text, as Rasa's `parse_message` reports it, the texts
    run through the model's graph together: the same components as on the server, each given
    the whole list (the sentence encoder embeds them in batches, many times faster than one at
    a time)."""
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
    from rasa.shared.core.trackers import DialogueStateTracker

    target = processor.model_metadata.nlu_target
    results = processor.graph_runner.run(
        inputs={PLACEHOLDER_MESSAGE: [UserMessage(text) for text in texts],
                PLACEHOLDER_TRACKER: DialogueStateTracker.from_events("gate", [])},
        targets=[target])
    parses = []
    for message in results[target]:
        parse = {"text": "", "intent": {"name": None, "confidence": 0.0}, "entities": []}
        parse.update(message.as_dict(only_output_properties=True))
        parses.append(parse)
    if len(parses) != len(texts):
        raise RuntimeError(f"the model parsed {len(parses)} of {len(texts)} messages")
    return parses
