"""Held-out accuracy of the trained model: the quality bar of the FAQ assistant."""
import re

import pytest

from bolt.editing.quality_bars import LANGUAGE_BAR, TOPIC_BAR
from bolt.editing.report import evaluation_record, write_evaluation
from support.nlu_eval import evaluate

pytestmark = pytest.mark.model

ANNOTATED_COUNTRY = re.compile(r"\[([^\]]+)\]\(country\)")


@pytest.fixture(scope="module")
def evaluation(agent, trained_model, repository):
    result, parses = evaluate(agent)
    # results/holdout-accuracy.json, per language and per topic: `bolt content report` reads it.
    write_evaluation(repository, evaluation_record(result.results, trained_model.name))
    return result, parses


def test_every_language_reaches_the_bar(evaluation):
    result, _ = evaluation
    below = {lang: round(acc, 3) for lang, acc in result.accuracy_by_language().items()
             if acc < LANGUAGE_BAR}
    assert below == {}, f"languages under {LANGUAGE_BAR:.0%}; errors: {result.errors()}"


def test_no_topic_falls_below_its_bar(evaluation):
    result, _ = evaluation
    below = {f"{lang} {topic}": round(acc, 2)
             for (lang, topic), acc in result.accuracy_by_topic().items() if acc < TOPIC_BAR}
    assert below == {}


def test_countries_in_held_out_phone_questions_are_extracted(evaluation):
    _, parses = evaluation
    missed = []
    for language, items in parses.items():
        for annotated, parse in items:
            expected = ANNOTATED_COUNTRY.findall(annotated)
            if not expected:
                continue
            found = [parse["text"][e["start"]:e["end"]] for e in parse["entities"]
                     if e["entity"] == "country"]
            if found != expected:
                missed.append((language, parse["text"], expected, found))
    assert missed == []
