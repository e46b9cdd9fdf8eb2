"""Facts read from answer texts in the six languages, and how versions are compared."""
from bolt.editing.facts import (
    AVAILABILITY, DURATION, PHONE, PRIORITIES, PRIORITY_TIME, Fact, calling_code, disagreements,
    facts_of_line,
)


def kinds(text, codes=("+39", "+81", "+1")):
    return {(f.kind, f.subject, f.value) for f in facts_of_line(text, 1, codes)}


def test_response_times_in_every_language_are_the_same_facts():
    expected = {(PRIORITIES, "", "P1"), (PRIORITY_TIME, "P1", "1"), (PRIORITY_TIME, "P1", "4")}
    for text in ("- P1: 1 hour, restoration 4 hours", "- P1: 1 Stunde, Wiederherstellung 4 Stunden",
                 "- P1: 1時間、復元 4時間", "- P1 «Срочный»: 1 час, восстановление 4 часа",
                 "- P1: 1 jam, pemulihan 4 jam", "- P1: 1 ora, ripristino 4 ore"):
        assert kinds(text) == expected, text


def test_a_duration_belongs_to_the_priority_named_before_it():
    assert kinds("P1 1 h, P2 4 h") == {(PRIORITIES, "", "P1"), (PRIORITIES, "", "P2"),
                                        (PRIORITY_TIME, "P1", "1"), (PRIORITY_TIME, "P2", "4")}
    assert kinds("within 30 minutes") == {(DURATION, "", "0.5")}
    assert kinds("in 2 days") == {(DURATION, "", "48")}


def test_around_the_clock_is_one_fact_however_it_is_written():
    for text in ("open 24x7", "24/7", "rund um die Uhr", "круглосуточно", "24 ore su 24",
                 "24時間365日対応", "24時間いつでも", "24 часа в сутки, 7 дней в неделю"):
        assert kinds(text) == {(AVAILABILITY, "", "24x7")}, text


def test_phone_numbers_are_compared_by_their_digits_and_country_code():
    assert kinds("Italia | +39 07611811003 int 2 |") == {(PHONE, "+39", "3907611811003")}
    assert kinds("イタリア +39-0761811003(内線 2)") == {(PHONE, "+39", "390761811003")}
    assert kinds("日本+81-120427732 または +81-0053-132-0070(内線 2)") == {
        (PHONE, "+81", "81120427732"), (PHONE, "+81", "8100531320070")}
    assert kinds("Brasil 0800 761 2618") == {(PHONE, "", "08007612618")}
    assert kinds("Tier 2, extension 2, P4") == {(PRIORITIES, "", "P4")}


def test_the_calling_code_of_a_number_without_separators_is_the_longest_known_one():
    assert calling_code("+3907611811003", ["+3", "+39"]) == "+39"
    assert calling_code("+852 3002 3757") == "+852"


def fact(kind, subject, value, line=1):
    return Fact(kind, subject, value, value, line)


def test_the_language_that_differs_from_the_others_is_reported():
    same = [fact(PHONE, "+39", "3907611811003")]
    facts = {"en": same, "de": same, "it": same, "ja": [fact(PHONE, "+39", "390761811003", 7)]}
    [found] = disagreements(facts)
    assert (found.language, found.subject, found.facts[0].line) == ("ja", "+39", 7)
    assert found.others[frozenset({"3907611811003"})] == ("de", "en", "it")


def test_a_language_that_leaves_a_fact_out_is_reported():
    time = [fact(PRIORITY_TIME, "P1", "1")]
    [found] = disagreements({"en": time, "de": time, "ru": []})
    assert found.language == "ru" and found.facts == ()


def test_a_tie_reports_every_side_and_agreement_reports_nothing():
    assert disagreements({"en": [fact(DURATION, "", "1")], "de": [fact(DURATION, "", "1")]}) == []
    tie = disagreements({"en": [fact(DURATION, "", "1")], "de": [fact(DURATION, "", "2")]})
    assert {f.language for f in tie} == {"en", "de"}
