"""The quality bars a model must meet on the held-out sets, in one place: the publish gate
(bolt/editing/gate.py) refuses a model below them, and the model tests
(tests/model/test_accuracy.py, tests/model/test_out_of_scope.py) fail below them.

The held-out sets were written by others and never trained or calibrated on:
tests/data/holdout/<language>.yml (questions Bolt answers, by topic) and
tests/data/out_of_scope/<language>.yml (messages it must not answer, of two kinds). The bars
are the figures the current model keeps (docs/performance.md).
"""
from __future__ import annotations

from typing import Dict

# Top-1 accuracy on the held-out questions: each language as a whole, and each topic in it.
LANGUAGE_BAR = 0.95
TOPIC_BAR = 0.85
# Each topic's held-out questions answered with their topic, abstentions counted as misses: about
# 20 per topic and language, so one question is 5%; a topic that loses six of twenty fails.
ANSWERED_TOPIC_BAR = 0.75
# The bars below sit a few messages under what the current model keeps: a training on the same
# content with a handful of examples more or fewer moves a language's figures by one to four
# messages either way (docs/performance.md), and the bars catch what is worse than that.
# In-scope held-out questions that Bolt answers with their own topic (not abstaining).
IN_SCOPE_BAR = 0.96
# The most out-of-scope messages of each kind Bolt may answer, in every language.
ANSWERED_BAR: Dict[str, float] = {"out_of_scope": 0.05, "product_question": 0.04}


# The publish gate's leeway under each bar, in shares. A few hundred held-out questions per
# language: one example added recalibrates the abstention threshold and moves its own label's
# examples between the stacking's folds, which can move a language's figure by a few questions
# (with folds drawn anew on each training, bench/learning_bench.py once saw Russian in-scope
# answers go from 96.7% to 93.8%); a model worse by more than that is refused, and the model
# tests hold the bars themselves.
GATE_TOLERANCE = 0.04


def answered_bar(kind: str) -> float:
    """The most of `kind`'s out-of-scope messages a model may answer in any language."""
    return ANSWERED_BAR[kind]
