from pathlib import Path

import pytest

from bolt.core.phonebook import load_phonebook
from bot.nlu.country import CountryMatcher
from bolt.core.text import words

TABLE = Path(__file__).resolve().parents[2] / "data" / "phone_numbers.yml"


@pytest.fixture(scope="module")
def matcher():
    return CountryMatcher(load_phonebook(TABLE).names())


def countries(matcher, text):
    spans = [(t.start, t.end) for t in words(text)]
    return [(text[e["start"] : e["end"]], e["value"]) for e in matcher.find(text, spans)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("support number Germany", [("Germany", "DE")]),
        ("Hotline für Österreich?", [("Österreich", "AT")]),
        ("ドイツのサポート電話番号", [("ドイツ", "DE")]),
        ("номер поддержки в Германии", [("Германии", "DE")]),
        ("nomor telepon Jerman", [("Jerman", "DE")]),
        ("numero assistenza Germania", [("Germania", "DE")]),
        ("USA-Hotline bitte", [("USA", "US")]),
        ("numbers for the UK and hong  kong", [("UK", "GB"), ("hong  kong", "HK")]),
        ("nomor Selandia Baru", [("Selandia Baru", "NZ")]),
    ],
)
def test_countries_are_found_in_every_language(matcher, text, expected):
    assert countries(matcher, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "help us please",               # "us" is not the US
        "Come si usa Zoom?",            # Italian "usa" is a verb
        "インドネシアの番号",              # Indonesia is not India
        "日本語でお願いします",             # the Japanese language is not Japan
        "Russia number",                # no number for Russia: not in the table
        "Premier+ plan P1 24x7",
    ],
)
def test_words_that_only_look_like_countries_are_not_countries(matcher, text):
    assert countries(matcher, text) == []
