"""The ranking on the test help center's relevance set, and the relevance floors.

Each language's floor is calibrated on its development questions and "not ours" calibration
messages (data/calibration/), never set by hand: the committed bolt/articles/relevance_floor.json
must be what calibration gives now. The held-out questions and the held-out "not ours" messages
(tests/data/out_of_scope/) were never looked at by the calibration. The target is a top-3 hit
rate of 90% in every language. "Not ours" messages get no suggestion 95% of the time in a
conversation, where the NLU labels most of them first (tests/model/test_article_suggestions.py);
the bars below are the figures of the search alone, which the floors trade against the hit
rate, so a change that suggests more where it should not fails here.
"""
from __future__ import annotations

import pytest

from bolt.articles.floor import load_floor
from bolt.core.languages import SUPPORTED_LANGUAGES
from support.articles_eval import calibrated, help_center_search, measure, questions

# The held-out figures at the calibrated floors (16 questions and about 155 "not ours" messages
# per language).
HIT_RATE_BAR = {"en": 0.90, "ja": 0.90, "ru": 0.90, "id": 0.90, "it": 0.90, "de": 0.90}
NOT_OURS_SILENT_BAR = {"en": 0.92, "ja": 0.91, "ru": 0.92, "id": 0.93, "it": 0.92, "de": 0.93}
# Over all languages (96 questions), the held-out figure at the calibrated floors.
HIT_RATE_OVERALL_BAR = 0.97


@pytest.fixture(scope="module")
def search(tmp_path_factory):
    return help_center_search(tmp_path_factory.mktemp("help-center"))


@pytest.fixture(scope="module")
def held_out(search):
    return measure(search, "held_out", load_floor().floors)


def test_the_relevance_set_is_big_enough_and_split():
    for language in SUPPORTED_LANGUAGES:
        development = [q for q in questions("development") if q.language == language]
        held = [q for q in questions("held_out") if q.language == language]
        assert len(development) >= 20 and len(held) >= 15
        assert not {q.text for q in development} & {q.text for q in held}


def test_the_committed_floors_are_the_calibrated_ones(search):
    assert calibrated(search).floors == load_floor().floors
    assert set(load_floor().floors) == set(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_right_section_is_among_the_first_three(held_out, language):
    assert held_out[language]["hit_rate"] >= HIT_RATE_BAR[language], held_out


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_not_ours_messages_rarely_get_a_suggestion(held_out, language):
    silent = 1.0 - held_out[language]["not_ours_suggested"]
    assert silent >= NOT_OURS_SILENT_BAR[language], held_out


def test_the_hit_rate_over_all_languages_holds(held_out):
    asked = sum(m["questions"] for m in held_out.values())
    hits = sum(m["hit_rate"] * m["questions"] for m in held_out.values())
    assert hits / asked >= HIT_RATE_OVERALL_BAR
