"""The relevance floors' calibration: one floor per language, each of least cost on that
language's samples alone, and the file they are kept in."""
from bolt.articles import floor as floors
from bolt.articles.floor import Floor, Sample, calibrate, curve, load_floor, save_floor


def language_samples(language, right_scores, not_ours_scores):
    return ([Sample(language, ((score, True),), True) for score in right_scores]
            + [Sample(language, ((score, False),), False) for score in not_ours_scores])


def test_each_language_gets_the_floor_its_own_scores_call_for():
    # Japanese scores run lower: a floor set for English would hide every Japanese answer.
    samples = (language_samples("en", [0.5, 0.6, 0.7], [0.2, 0.25])
               + language_samples("ja", [0.12, 0.15, 0.2], [0.05, 0.06]))
    calibrated = calibrate(samples, 2.0)
    assert 0.25 < calibrated.floors["en"] <= 0.5
    assert 0.06 < calibrated.floors["ja"] <= 0.12
    assert calibrated.development["ja"]["hit_rate"] == 1.0
    assert calibrated.development["en"]["not_ours_suggested"] == 0.0


def test_the_lowest_floor_of_least_cost_is_taken():
    calibrated = calibrate(language_samples("de", [0.3], [0.1]), 2.0)
    assert calibrated.floors["de"] == min(
        f for f in floors.CANDIDATES if f > 0.1 and f <= 0.3)


def test_the_curve_gives_each_candidates_cost():
    samples = language_samples("it", [0.3, 0.4], [0.2])
    points = curve(samples, 2.0)
    assert [p["floor"] for p in points] == list(floors.CANDIDATES)
    at = {p["floor"]: p for p in points}
    assert at[0.0]["cost"] == 2.0 and at[0.0]["hit_rate"] == 1.0
    assert at[0.25]["cost"] == 0.0
    assert at[0.35]["cost"] == 0.5 and at[1.0]["cost"] == 1.0


def test_floors_are_kept_and_read_back(tmp_path):
    kept = Floor({"en": 0.06, "ja": 0.04}, 2.0, {"en": {"hit_rate": 1.0}})
    save_floor(kept, tmp_path / "floor.json")
    read = load_floor(tmp_path / "floor.json")
    assert read == kept
    assert read.of("ja") == 0.04 and read.of("ru") == 0.06
