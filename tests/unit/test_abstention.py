"""The abstention rule and its calibration, on hand-made predictions."""
import pytest

from bot.nlu.abstention import Sample, calibrate, cost, curves, decide, point


def test_an_in_scope_label_at_the_threshold_is_answered_and_below_it_is_not():
    assert decide([("faq/billing", 0.6), ("greet", 0.4)], 0.6).label == "faq/billing"
    below = decide([("faq/billing", 0.59), ("greet", 0.41)], 0.6)
    assert below.abstained and below.label is None and below.confidence == 0.59


def test_an_out_of_scope_label_is_never_answered_however_probable():
    for label in ("out_of_scope", "product_question"):
        decision = decide([(label, 0.99), ("faq/billing", 0.01)], 0.0)
        assert decision.abstained and decision.label is None


def test_nothing_ranked_is_an_abstention():
    assert decide([], 0.0).abstained


def oos(language, kind, confidence, predicted="faq/billing"):
    return Sample(language, kind, predicted, confidence)


def test_the_threshold_is_the_one_of_least_cost_and_a_higher_cost_abstains_more():
    # en: four in-scope questions answered right at 0.9, 0.7, 0.5, 0.3; four not-ours messages
    # guessed in scope at 0.8, 0.6, 0.4, 0.2.
    samples = ([Sample("en", "faq/billing", "faq/billing", p) for p in (0.9, 0.7, 0.5, 0.3)]
               + [oos("en", "out_of_scope", p) for p in (0.8, 0.6, 0.4, 0.2)])
    # Cost 1: above 0.2 one wrong answer goes at no loss (cost 0.75); every later step trades a
    # miss for a wrong answer, so the lowest of the equal costs wins.
    assert calibrate(samples, 1.0).threshold == 0.205
    # Cost 2: each wrong answer avoided outweighs a miss: above 0.8 costs 3/4 + 0 = 0.75, the least.
    assert calibrate(samples, 2.0).threshold == 0.805
    assert calibrate(samples, 2.0).decide([("faq/billing", 0.9)]).label == "faq/billing"
    assert calibrate(samples, 2.0).decide([("faq/billing", 0.8)]).abstained


def test_of_practically_equal_costs_the_lowest_threshold_is_taken():
    # One in-scope question at 0.3 among 100, and one not-ours message at 0.2 among 100: above
    # 0.2 the cost falls by 2/100, a hair, and stays there until 0.3; no step is worth taking.
    samples = ([Sample("en", "greet", "greet", 0.3)] + [Sample("en", "greet", "greet", 0.9)] * 99
               + [oos("en", "out_of_scope", 0.2)] + [oos("en", "out_of_scope", 0.9, "out_of_scope")] * 99)
    assert cost(samples, 0.205, 2.0) < cost(samples, 0.0, 2.0) <= cost(samples, 0.205, 2.0) + 0.05
    assert calibrate(samples, 2.0).threshold == 0.0


def test_costs_add_up_over_languages_and_kinds():
    samples = [Sample("en", "greet", "greet", 0.5), oos("en", "out_of_scope", 0.5),
               oos("en", "product_question", 0.5), Sample("ja", "greet", "greet", 0.5)]
    assert cost(samples, 0.5, 3.0) == 0 + 3 * 1 + 3 * 1 + 0
    assert cost(samples, 0.6, 3.0) == 1 + 0 + 0 + 1


def test_groups_that_never_guess_an_in_scope_label_need_no_threshold():
    samples = ([oos("de", "out_of_scope", 0.99, "out_of_scope") for _ in range(10)]
               + [Sample("de", "greet", "greet", 0.4)])
    assert calibrate(samples, 2.0).threshold == 0.0


def test_the_cost_must_be_positive():
    with pytest.raises(ValueError):
        calibrate([], 0.0)


def test_a_point_of_the_curve_counts_an_abstention_as_a_miss_and_answers_per_kind():
    samples = [
        Sample("en", "faq/billing", "faq/billing", 0.9),      # answered, right
        Sample("en", "faq/billing", "faq/community", 0.8),    # answered, wrong
        Sample("en", "greet", "greet", 0.3),                  # abstained at 0.5
        Sample("en", "faq/bolt", "product_question", 0.9),    # abstained: out-of-scope label
        oos("en", "out_of_scope", 0.6),                       # answered
        oos("en", "product_question", 0.4),                   # abstained
    ]
    assert point(samples, 0.5) == {
        "threshold": 0.5, "coverage": 2 / 4, "accuracy": 1 / 2, "top1": 1 / 4,
        "out_of_scope_answered": 1.0, "product_question_answered": 0.0,
    }


def test_curves_run_from_zero_to_one_per_language_and_include_the_chosen_threshold():
    samples = [Sample("en", "greet", "greet", 0.5), Sample("it", "greet", "greet", 0.5)]
    result = curves(samples, 0.123)
    assert sorted(result) == ["en", "it"]
    thresholds = [p["threshold"] for p in result["en"]]
    assert thresholds[0] == 0.0 and thresholds[-1] == 1.0 and 0.123 in thresholds
    assert thresholds == sorted(thresholds)
