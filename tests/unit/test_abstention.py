"""The abstention rule and its calibration, on hand-made predictions."""
import pickle

import pytest

from bot.nlu.abstention import (
    Calibration, Sample, calibrate, cost, curves, decide, in_scope_probability, point,
)


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
        "threshold": 0.5, "gate": 0.0, "coverage": 2 / 4, "accuracy": 1 / 2, "top1": 1 / 4,
        "out_of_scope_answered": 1.0, "product_question_answered": 0.0,
    }


def test_curves_run_from_zero_to_one_per_language_and_include_the_chosen_pair():
    samples = [Sample("en", "greet", "greet", 0.5), Sample("it", "greet", "greet", 0.5)]
    result = curves(samples, 0.123, gate=0.456)
    assert sorted(result) == ["en", "it"]
    along_threshold, along_gate = result["en"]["threshold"], result["en"]["gate"]
    thresholds = [p["threshold"] for p in along_threshold]
    assert thresholds[0] == 0.0 and thresholds[-1] == 1.0 and 0.123 in thresholds
    assert thresholds == sorted(thresholds) and {p["gate"] for p in along_threshold} == {0.456}
    gates = [p["gate"] for p in along_gate]
    assert gates[0] == 0.0 and gates[-1] == 1.0 and 0.456 in gates and gates == sorted(gates)
    assert {p["threshold"] for p in along_gate} == {0.123}


def test_the_in_scope_probability_is_what_the_out_of_scope_labels_leave():
    ranking = [("faq/billing", 0.6), ("out_of_scope", 0.25), ("greet", 0.1),
               ("product_question", 0.05)]
    assert in_scope_probability(ranking) == pytest.approx(0.7)
    assert in_scope_probability([("greet", 1.0)]) == 1.0


def test_a_probable_topic_is_not_answered_when_the_message_is_not_surely_in_scope():
    ranking = [("faq/billing", 0.8), ("out_of_scope", 0.15), ("greet", 0.05)]
    assert decide(ranking, 0.5).label == "faq/billing"
    gated = decide(ranking, 0.5, gate=0.9)
    assert gated.abstained and gated.confidence == 0.8 and gated.in_scope == pytest.approx(0.85)
    # Torn between two topics, but surely in scope: the gate answers the best one.
    assert decide([("faq/billing", 0.5), ("faq/bolt", 0.45), ("out_of_scope", 0.05)],
                  0.0, gate=0.9).label == "faq/billing"


def test_the_gate_is_calibrated_where_it_pays_and_left_open_where_it_does_not():
    # Other companies' refunds read as billing at 0.9 but keep 0.3 on out_of_scope; the in-scope
    # questions are surer of the whole (0.95), some only 0.5 sure of their topic.
    samples = ([Sample("en", "faq/billing", "faq/billing", p, 0.95) for p in (0.9, 0.5, 0.5)]
               + [Sample("en", "out_of_scope", "faq/billing", 0.9, 0.7) for _ in range(3)])
    calibration = calibrate(samples, 2.0)
    assert 0.7 < calibration.gate <= 0.95 and calibration.threshold <= 0.5
    assert point(samples, calibration.threshold, gate=calibration.gate)["top1"] == 1.0
    # A threshold cannot tell them apart: both are 0.9 sure of billing.
    assert cost(samples, 0.9, 2.0) > cost(samples, calibration.threshold, 2.0,
                                         gate=calibration.gate)
    plain = [Sample("en", "greet", "greet", 0.9, 0.2), oos("en", "out_of_scope", 0.2)]
    assert calibrate(plain, 2.0).gate == 0.0


def test_a_calibration_pickled_before_the_gate_existed_has_none():
    old = Calibration(0.7, 2.0)
    state = pickle.loads(pickle.dumps(old))
    object.__getattribute__(state, "__dict__").pop("gate")
    assert state.gate == 0.0
    assert state.decide([("faq/billing", 0.8), ("out_of_scope", 0.2)]).label == "faq/billing"


def test_the_searched_cost_surface_is_the_cost_at_every_gate_and_threshold():
    import random

    from bot.nlu.abstention import CANDIDATES, GATE_CANDIDATES, OUT_OF_SCOPE_LABELS, _surfaces

    rng = random.Random(7)
    labels = ["greet", "faq/billing", "faq/web_ticket", "out_of_scope", "product_question"]
    samples = [Sample(rng.choice(["en", "ja", "ru"]), rng.choice(labels), rng.choice(labels),
                      round(rng.random(), 3), round(rng.random(), 3)) for _ in range(300)]
    costs, coverage = _surfaces(samples, 2.5, OUT_OF_SCOPE_LABELS)
    for g in range(0, len(GATE_CANDIDATES), 7):
        for t in range(0, len(CANDIDATES), 23):
            gate, threshold = GATE_CANDIDATES[g], CANDIDATES[t]
            assert costs[g, t] == pytest.approx(cost(samples, threshold, 2.5, gate=gate))
            assert coverage[g, t] == sum(
                s.expected not in OUT_OF_SCOPE_LABELS and s.predicted not in OUT_OF_SCOPE_LABELS
                and s.confidence >= threshold and s.in_scope >= gate for s in samples)
