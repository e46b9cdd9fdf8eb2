"""The reports' figures from conversations' facts and the daily aggregates (no clock, storage or
socket): totals, every rate with its one denominator, averages, percentiles, the breakdowns per
day, language, topic and agent, and the questions Bolt missed most.

A rate is a part of its denominator counted the same way (contained conversations of all
conversations, abstentions of Bolt's answers...), so it lies within 0-100%; with a denominator
of nothing it is `None`, never a guess. The daily aggregates (the conversations already deleted
by retention) add to the totals and to the days and languages; percentiles, topics, agents and
missed questions need the conversations themselves, so they cover those still held.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from handoff.rules.report_facts import COUNTS, PRIORITIES, Facts, question_key

UNKNOWN_AGENT = "none"


@dataclass(frozen=True)
class Rate:
    numerator: str
    denominator: str


# Each rate: which count of COUNTS it is, and of which count (its one denominator).
RATES: Dict[str, Rate] = {
    "contained": Rate("contained", "conversations"),
    "contained_confirmed": Rate("contained_confirmed", "conversations"),
    "contained_assumed": Rate("contained_assumed", "conversations"),
    "handed_off": Rate("handed_off_conversations", "conversations"),
    "abstention": Rate("abstained", "bot_answers"),
    "not_helpful": Rate("not_helpful", "rated_answers"),
    "answered": Rate("answered", "handoffs"),
    **{f"within_target_{p.lower()}": Rate(f"within_target_{p.lower()}", f"targeted_{p.lower()}")
       for p in PRIORITIES},
    "within_target": Rate("within_target", "targeted"),
    "csat_satisfied": Rate("csat_satisfied", "csat_responses"),
    "csat_response": Rate("csat_responses", "csat_asked"),
}
# Each average: which sum over which count.
AVERAGES: Dict[str, Tuple[str, str]] = {
    "queue_seconds": ("queue_seconds", "assigned"),
    "first_response_seconds": ("first_response_seconds", "answered"),
    "resolution_seconds": ("resolution_seconds", "resolved"),
    "csat_score": ("csat_score_sum", "csat_responses"),
}
PERCENTILES: Dict[str, Callable[[Facts], Sequence[float]]] = {
    "queue_seconds": lambda facts: facts.queue_waits,
    "first_response_seconds": lambda facts: facts.first_responses,
    "resolution_seconds": lambda facts: facts.resolutions,
}


def derived(counts: Mapping[str, float]) -> Dict[str, float]:
    """The counts with those made of others: contained but not confirmed (assumed), and every
    priority's targets together."""
    full = {name: counts.get(name, 0) for name in COUNTS}
    full["contained_assumed"] = full["contained"] - full["contained_confirmed"]
    full["targeted"] = sum(full[f"targeted_{p.lower()}"] for p in PRIORITIES)
    full["within_target"] = sum(full[f"within_target_{p.lower()}"] for p in PRIORITIES)
    return full


def rate(counts: Mapping[str, float], name: str) -> Dict[str, Any]:
    spec = RATES[name]
    part, whole = counts[spec.numerator], counts[spec.denominator]
    return {"value": part / whole if whole else None, "numerator": part,
            "denominator": whole, "of": spec.denominator}


def percentile(values: Sequence[float], share: float) -> Optional[float]:
    """The nearest-rank percentile: the smallest value with `share` of all at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def add(into: Dict[str, float], counts: Mapping[str, Any]) -> None:
    for name in COUNTS:
        into[name] = into.get(name, 0) + (counts.get(name) or 0)


def figures(counts: Mapping[str, float], held: Sequence[Facts]) -> Dict[str, Any]:
    """Counts, rates, averages, and the percentiles of the conversations still held."""
    full = derived(counts)
    return {
        "counts": full,
        "rates": {name: rate(full, name) for name in RATES},
        "averages": {name: (full[total] / full[count] if full[count] else None)
                     for name, (total, count) in AVERAGES.items()},
        "percentiles": {name: {"p50": percentile(values, 0.5), "p90": percentile(values, 0.9),
                               "of": len(values)}
                        for name, values in ((name, [v for f in held for v in pick(f)])
                                             for name, pick in PERCENTILES.items())},
        "held_conversations": len(held),
    }


def _group(held: Iterable[Facts], key: Callable[[Facts], str],
           aggregates: Iterable[Tuple[str, Mapping[str, Any]]] = ()) -> Dict[str, Dict[str, Any]]:
    counts: Dict[str, Dict[str, float]] = defaultdict(dict)
    members: Dict[str, List[Facts]] = defaultdict(list)
    for facts in held:
        add(counts[key(facts)], facts.counts)
        members[key(facts)].append(facts)
    for name, row in aggregates:
        add(counts[name], row)
    return {name: figures(counts[name], members.get(name, [])) for name in sorted(counts)}


def missed_questions(held: Iterable[Facts], top: int) -> List[Dict[str, Any]]:
    """The questions Bolt abstained on most, per language: the words as first asked, and how
    often (any spacing or case)."""
    counted: Counter = Counter()
    first_words: Dict[Tuple[str, str], str] = {}
    for facts in held:
        for text in facts.missed:
            key = (facts.language, question_key(text))
            counted[key] += 1
            first_words.setdefault(key, text.strip())
    ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    return [{"language": language, "question": first_words[(language, key)], "count": count}
            for (language, key), count in ranked[:top]]


def report(held: Sequence[Facts], aggregates: Sequence[Mapping[str, Any]],
           top_missed: int = 10) -> Dict[str, Any]:
    """The whole report: `held` are the facts of the conversations still held, `aggregates` the
    daily rows (each with `day` and `language`) of those already deleted, for the same period."""
    totals: Dict[str, float] = {}
    for facts in held:
        add(totals, facts.counts)
    for row in aggregates:
        add(totals, row)
    days = [(_day(row["day"]), row) for row in aggregates]
    languages = [(row["language"], row) for row in aggregates]
    return {
        "totals": figures(totals, held),
        "by_day": _group(held, lambda f: f.day.isoformat(), days),
        "by_language": _group(held, lambda f: f.language, languages),
        "by_topic": _group(held, lambda f: f.topic),
        "by_agent": _group(held, lambda f: f.agent or UNKNOWN_AGENT),
        "missed_questions": missed_questions(held, top_missed),
        "aggregated_conversations": sum(row.get("conversations") or 0 for row in aggregates),
    }


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


# One row per conversation in the CSV: its facts, never what anyone wrote.
CONVERSATION_COLUMNS: Tuple[str, ...] = (
    "conversation_id", "started_at", "day", "language", "topic", "agent", "priority",
    "contained", "contained_confirmed", "bot_answers", "abstained", "rated_answers",
    "not_helpful", "handoffs", "transferred", "assigned", "queue_seconds", "answered",
    "first_response_seconds", "resolved", "resolution_seconds", "resolved_by_timeout",
    "within_target", "targeted", "csat_score",
)
DAY_COLUMNS: Tuple[str, ...] = ("day", "language", *COUNTS)


def conversation_row(facts: Facts) -> Dict[str, Any]:
    counts = derived(facts.counts)
    row: Dict[str, Any] = {
        "conversation_id": facts.conversation_id,
        "started_at": facts.started_at.isoformat() + "Z", "day": facts.day.isoformat(),
        "language": facts.language, "topic": facts.topic, "agent": facts.agent or "",
        "priority": facts.priority or "", "csat_score": facts.csat if facts.csat else "",
    }
    for name in CONVERSATION_COLUMNS:
        if name not in row:
            value = counts[name]
            row[name] = round(value, 3) if isinstance(value, float) else int(value)
    return row


def day_rows(held: Iterable[Facts],
             aggregates: Iterable[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """One row per day and language: the held conversations' counts and the aggregates'."""
    rows: Dict[Tuple[str, str], Dict[str, float]] = defaultdict(dict)
    for facts in held:
        add(rows[(facts.day.isoformat(), facts.language)], facts.counts)
    for row in aggregates:
        add(rows[(_day(row["day"]), row["language"])], row)
    return [{"day": day, "language": language,
             **{name: (round(counts.get(name, 0), 3) if name in ("queue_seconds",
                                                                 "first_response_seconds",
                                                                 "resolution_seconds")
                       else int(counts.get(name, 0))) for name in COUNTS}}
            for (day, language), counts in sorted(rows.items())]
