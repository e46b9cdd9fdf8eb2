"""The gate's verdict from what a model made of the held-out messages (no model here: the
rows are what a model would give; the gate on real models is in test_gate.py)."""
from __future__ import annotations

from typing import List

from bolt.core.settings import Settings
from bolt.editing.gate import ACCURACY, OUT_OF_SCOPE, Row, judge
from bolt.editing.held_out import ABSTAINED
from bolt.editing.quality_bars import ANSWERED_BAR, GATE_TOLERANCE, LANGUAGE_BAR, TOPIC_BAR
from bolt.editing.verdicts import keep_verdict, known_verdict, verdict_key


def rows(language: str, topic: str, right: int, wrong: int, wrong_as: str = "faq/billing",
         abstained: int = 0) -> List[Row]:
    made = [Row(language, f"q{i}", topic, topic, topic) for i in range(right)]
    made += [Row(language, f"w{i}", topic, wrong_as, wrong_as) for i in range(wrong)]
    made += [Row(language, f"a{i}", topic, topic, ABSTAINED) for i in range(abstained)]
    return made


def out_of_scope(language: str, kind: str, answered: int, abstained: int) -> List[Row]:
    return ([Row(language, f"o{i}", kind, "faq/billing", "faq/billing") for i in range(answered)]
            + [Row(language, f"n{i}", kind, kind, ABSTAINED) for i in range(abstained)])


def good(language: str) -> List[Row]:
    return (rows(language, "faq/billing", 40, 0) + rows(language, "faq/web_ticket", 40, 0)
            + out_of_scope(language, "out_of_scope", 0, 50)
            + out_of_scope(language, "product_question", 0, 50))


def test_a_model_at_every_bar_passes():
    verdict = judge(good("en") + good("de"))
    assert verdict.passed and verdict.failed_check is None
    assert verdict.figures["accuracy_by_language"] == {"de": 1.0, "en": 1.0}


def test_a_topic_below_its_bar_fails_the_accuracy_check_and_is_named():
    # 15 of 20 right is under the topic bar, less the gate's leeway; the language as a whole
    # stays above its own.
    right = int((TOPIC_BAR - GATE_TOLERANCE) * 20) - 1
    broken = [r for r in good("de") if r.expected != "faq/web_ticket"]
    broken += rows("de", "faq/web_ticket", right, 20 - right) + rows("de", "faq/billing", 200, 0)
    verdict = judge(good("en") + broken)
    assert not verdict.passed
    assert verdict.failed_check == ACCURACY
    assert "de faq/web_ticket" in verdict.message
    assert verdict.figures["accuracy_by_language"]["de"] >= LANGUAGE_BAR


def test_one_miss_in_a_topic_of_few_questions_passes_and_two_fail():
    small = [r for r in good("ru") if r.expected != "faq/web_ticket"]
    one_miss = judge(good("en") + small + rows("ru", "faq/web_ticket", 4, 1))
    assert one_miss.passed  # 80%, under the bar less the leeway, but one question
    two_misses = judge(good("en") + small + rows("ru", "faq/web_ticket", 8, 2))
    assert two_misses.failed_check == ACCURACY and "ru faq/web_ticket" in two_misses.message


def test_answering_out_of_scope_messages_fails_the_out_of_scope_check():
    over = int((ANSWERED_BAR["product_question"] + GATE_TOLERANCE) * 100) + 2
    chatty = [r for r in good("it") if r.expected != "product_question"]
    chatty += out_of_scope("it", "product_question", over, 100 - over)
    verdict = judge(good("en") + chatty)
    assert verdict.failed_check == OUT_OF_SCOPE
    assert "it:" in verdict.message and "product_question" in verdict.message


def test_a_model_within_the_gates_leeway_of_a_bar_passes():
    # One example added moves a language's figures by a few questions: not a worse model.
    inside = int((ANSWERED_BAR["product_question"] + GATE_TOLERANCE) * 100) - 1
    nearly = [r for r in good("it") if r.expected != "product_question"]
    nearly += out_of_scope("it", "product_question", inside, 100 - inside)
    assert inside > ANSWERED_BAR["product_question"] * 100
    assert judge(good("en") + nearly).passed


def test_a_model_that_abstains_on_everything_fails_the_out_of_scope_check():
    # Abstaining on everything answers no out-of-scope message, and no question either.
    shy = (rows("en", "faq/billing", 0, 0, abstained=40) + rows("en", "faq/web_ticket", 40, 0)
           + out_of_scope("en", "out_of_scope", 0, 50)
           + out_of_scope("en", "product_question", 0, 50))
    verdict = judge(shy)
    assert verdict.failed_check == OUT_OF_SCOPE
    assert "in-scope questions are answered" in verdict.message


def test_no_held_out_messages_never_pass():
    assert not judge([]).passed


def test_the_rasa_servers_to_publish_to():
    assert Settings.from_env({"BOLT_RASA_PORT": "5123"}).rasa_servers == (
        "http://127.0.0.1:5123",)
    assert Settings.from_env({"BOLT_RASA_URL": "http://rasa:5005/"}).rasa_servers == (
        "http://rasa:5005",)
    assert Settings.from_env({"BOLT_RASA_URL": "http://lb:5005",
                              "BOLT_RASA_URLS": "http://a:5005, http://b:5005"}
                             ).rasa_servers == ("http://a:5005", "http://b:5005")


def test_a_kept_verdict_is_found_again_until_the_held_out_sets_change(tmp_path):
    held_out = tmp_path / "held_out"
    (held_out / "holdout").mkdir(parents=True)
    questions = held_out / "holdout" / "en.yml"
    questions.write_text('nlu:\n- intent: faq/billing\n  examples: |\n    - my invoice\n')
    verdict = judge(good("en"))
    key = verdict_key("structure", "examples", held_out)
    keep_verdict(tmp_path / "var", key, verdict)
    assert known_verdict(tmp_path / "var", key) == verdict
    assert known_verdict(tmp_path / "var", verdict_key("structure", "other", held_out)) is None
    questions.write_text(questions.read_text() + "    - a wrong charge\n")
    assert verdict_key("structure", "examples", held_out) != key
