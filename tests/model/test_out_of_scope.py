"""Bolt knows what it does not know: its decisions on the held-out sets, against the trained model.

The held-out out-of-scope messages (tests/data/out_of_scope/, two kinds) and in-scope questions
(tests/data/holdout/) were never trained or calibrated on. The bars (bolt/editing/quality_bars.py,
which the publish gate reads too) are the figures the current model keeps (docs/performance.md
has them, with the targets they are measured against); a change that makes Bolt answer more of
what it should not, or fewer of the questions it should, fails here. The evaluation also writes
results/abstention.json (the figures, every out-of-scope message answered and every question
missed) and results/abstention-curves.json (the calibration curve per language), which
`bolt content report` shows.
"""
import asyncio
import json

import pytest

from bolt.editing.quality_bars import ANSWERED_TOPIC_BAR, IN_SCOPE_BAR, answered_bar
from bolt.editing.report import write_abstention
from bot.nlu.abstention import OUT_OF_SCOPE_LABELS
from support.abstention_eval import calibration_curves, decide_held_out
from support.content import LANGUAGES

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def decisions(agent):
    return decide_held_out(agent)


@pytest.fixture(scope="module")
def calibrated(agent):
    """The calibrated threshold and gate: every parse states them with the decision."""
    record = asyncio.run(agent.parse_message("hello"))["abstention"]
    return record["threshold"], record["gate"]


def test_the_results_are_written_for_the_report(decisions, calibrated, agent, trained_model,
                                                repository):
    threshold, gate = calibrated
    report = decisions.report()
    path = write_abstention(repository, {"model": trained_model.name, "threshold": threshold,
                                         "gate": gate, "languages": report})
    curves = calibration_curves(agent, threshold, gate)
    (repository / "results" / "abstention-curves.json").write_text(
        json.dumps({"model": trained_model.name, "threshold": threshold, "gate": gate,
                    "curves": curves}, indent=2), encoding="utf-8")
    assert sorted(json.loads(path.read_text(encoding="utf-8"))["languages"]) == sorted(LANGUAGES)
    for sweeps in curves.values():
        assert any(p["threshold"] == threshold and p["gate"] == gate for p in sweeps["threshold"])
        assert any(p["threshold"] == threshold and p["gate"] == gate for p in sweeps["gate"])


@pytest.mark.parametrize("kind", sorted(OUT_OF_SCOPE_LABELS))
def test_out_of_scope_messages_of_each_kind_are_rarely_answered(decisions, kind):
    answered = decisions.answered()
    over = {lang: round(answered[(lang, kind)], 3) for lang in LANGUAGES
            if answered[(lang, kind)] > answered_bar(kind)}
    assert over == {}, decisions.report()


def test_in_scope_questions_are_answered_right_in_every_language(decisions):
    below = {lang: round(share, 3) for lang, share in decisions.in_scope_top1().items()
             if share < IN_SCOPE_BAR}
    assert sorted(decisions.in_scope_top1()) == sorted(LANGUAGES)
    assert below == {}, decisions.report()


def test_no_topic_falls_far_below_the_others(decisions):
    below = {f"{lang}/{topic}": round(share, 3)
             for (lang, topic), share in decisions.topic_top1().items()
             if share < ANSWERED_TOPIC_BAR}
    assert below == {}, decisions.report()
