"""The ranking on the test help center's relevance set, and the relevance floor.

The floor is calibrated on the development questions and the "not ours" calibration messages
(data/calibration/), never set by hand: the committed bolt/articles/relevance_floor.json must be
what calibration gives now. The held-out questions and the held-out "not ours" messages
(tests/data/out_of_scope/) were never looked at by the calibration. The issue's targets are a
top-3 hit rate of 90% per language and no suggestion for 95% of "not ours" messages; the bars
below are the figures the search keeps (docs/performance.md has both), so a change that ranks
worse or suggests more where it should not fails here.
"""
from __future__ import annotations

import pytest

from bolt.articles.floor import load_floor
from bolt.core.languages import SUPPORTED_LANGUAGES
from support.articles_eval import calibrated, help_center_search, measure, questions

# The held-out figures at the calibrated floor (16 questions and about 115 "not ours" messages
# per language); where a bar is under the target, docs/performance.md says so.
HIT_RATE_BAR = {"en": 0.93, "ja": 0.81, "ru": 0.93, "id": 0.93, "it": 0.93, "de": 0.81}
NOT_OURS_SILENT_BAR = {"en": 0.93, "ja": 0.97, "ru": 0.91, "id": 0.94, "it": 0.95, "de": 0.95}
# Over all languages (96 questions), the held-out figure at the calibrated floor.
HIT_RATE_OVERALL_BAR = 0.89


@pytest.fixture(scope="module")
def search(tmp_path_factory):
    return help_center_search(tmp_path_factory.mktemp("help-center"))


@pytest.fixture(scope="module")
def held_out(search):
    return measure(search, "held_out", load_floor().floor)


def test_the_relevance_set_is_big_enough_and_split():
    for language in SUPPORTED_LANGUAGES:
        development = [q for q in questions("development") if q.language == language]
        held = [q for q in questions("held_out") if q.language == language]
        assert len(development) + len(held) >= 20 and len(development) >= 10 and len(held) >= 15
        assert not {q.text for q in development} & {q.text for q in held}


def test_the_committed_floor_is_the_calibrated_one(search):
    assert calibrated(search).floor == load_floor().floor


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
