"""Every form each language's rule or list promises, for every country of the phone table.

The sentences are made from data/phone_numbers.yml: each language's names of each country, put
in that language's frames (cases, prepositions, elided articles, enclitics, particles). Each
sentence must give exactly that country, with the span on the name alone.
"""
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from bolt.core.phonebook import load_phonebook
from bot.nlu.country import CountryMatcher
from bot.nlu.country_forms import CASES, forms, german_genitive, is_code, russian_cases
from bot.nlu.tokenizer import tokenize_text

TABLE = Path(__file__).resolve().parents[2] / "data" / "phone_numbers.yml"
BOOK = load_phonebook(TABLE)

Case = Tuple[str, str, str]  # sentence, the name as written in it, country code

RUSSIAN_FRAMES = {
    "nominative": "{} — какой там номер поддержки?",
    "genitive": "Нужен номер поддержки для {}",
    "dative": "Куда звонить по {}?",
    "accusative": "Хочу позвонить в {} сегодня",
    "instrumental": "Как связаться с {}?",
    "prepositional": "Какой номер поддержки в {}?",
}
ITALIAN_ELISIONS = ["l'", "dall'", "nell'", "dell'", "all'", "sull'", "dall’"]
JAPANESE_PARTICLES = ["{}から電話したい", "{}で使える番号", "{}の番号", "{}へかけたい",
                      "{}にいます", "{}はどこ", "{}までの通話"]
HIRAGANA = set("ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとど"
               "なにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわをん")


def names(language: str) -> Iterator[Tuple[str, str]]:
    for _, country in sorted(BOOK.countries.items()):
        for name in country.names[language]:
            yield name, country.code


def russian() -> Iterator[Case]:
    for name, code in names("ru"):
        for case, form in russian_cases(name).items():
            for written in dict.fromkeys([form, form.replace("ё", "е")]):
                yield RUSSIAN_FRAMES[case].format(written), written, code


def italian_articles(name: str) -> Tuple[str, str, str]:
    if is_code(name):
        return "in", "da", "di"
    first = name.split()[0]
    if first.endswith("i"):
        return "negli", "dagli", "degli"
    if name.endswith("a"):
        return "nella", "dalla", "della"
    return "nel", "dal", "del"


def italian() -> Iterator[Case]:
    for name, code in names("it"):
        if name[0].lower() in "aeiou" and not is_code(name):
            for elided in ITALIAN_ELISIONS:
                yield f"numero di assistenza {elided}{name}", name, code
        in_, from_, of = italian_articles(name)
        yield f"chiamo {from_} {name}, che numero?", name, code
        yield f"il numero {of} {name} per favore", name, code
        yield f"sono in {name} e ho un problema", name, code
        if in_ != "in":
            yield f"vivo {in_} {name}", name, code


def german() -> Iterator[Case]:
    for name, code in names("de"):
        for form in forms("de", name):
            if form != name and form[:-1] in forms("de", name) and form.endswith("s"):
                yield f"Wie lautet die Hotline {form}?", form, code
                continue
            yield f"Ich rufe aus {form} an", form, code
            yield f"Welche Nummer gilt für {form}?", form, code
            yield f"{form}-Hotline bitte", form, code
        if german_genitive(name) != name:  # the genitive also written with an apostrophe
            yield f"Was ist {name}'s Nummer?", name, code


def indonesian() -> Iterator[Case]:
    for name, code in names("id"):
        yield f"saya di {name}, nomor berapa?", name, code
        yield f"nomor telepon dari {name}", name, code
        yield f"telepon ke-{name} bagaimana", name, code
        for enclitic in ("nya", "lah", "kah", "pun", "ku", "mu"):
            yield f"nomor {name}{enclitic} berapa", name, code


def japanese() -> Iterator[Case]:
    for name, code in names("ja"):
        if HIRAGANA.issuperset(name):
            # A hiragana name is left to the tokenizer (country_bounds.py): kept apart here.
            yield f"「{name}」のサポート番号", name, code
            continue
        for frame in JAPANESE_PARTICLES:
            yield frame.format(name), name, code


def english() -> Iterator[Case]:
    for name, code in names("en"):
        yield f"which number do I call from {name} today", name, code
        yield f"support number for {name}?", name, code
        yield f"what is {name}'s support number", name, code


GENERATED = {
    "ru": russian, "it": italian, "de": german, "id": indonesian, "ja": japanese, "en": english,
}


def cases() -> List[Tuple[str, str, str, str]]:
    return [(language, sentence, written, code)
            for language, make in GENERATED.items() for sentence, written, code in make()]


@pytest.fixture(scope="module")
def matcher() -> CountryMatcher:
    return CountryMatcher(BOOK.names())


def found(matcher: CountryMatcher, text: str) -> List[Tuple[str, str]]:
    spans = [(t.start, t.end) for t in tokenize_text(text)]
    return [(text[e["start"] : e["end"]], e["value"]) for e in matcher.find(text, spans)]


@pytest.mark.parametrize("language, sentence, written, code", cases())
def test_every_form_of_every_country_is_found(matcher, language, sentence, written, code):
    assert found(matcher, sentence) == [(written, code)]


@pytest.mark.parametrize(
    "language, sentence, written, code",
    [case for case in cases()
     if case[0] == "ja" and not case[2].isascii() and not HIRAGANA.issuperset(case[2])])
def test_japanese_particles_end_a_katakana_or_kanji_name_even_if_the_tokenizer_keeps_them(
    matcher, language, sentence, written, code
):
    one_token = [(0, len(sentence))]
    assert [(sentence[e["start"] : e["end"]], e["value"])
            for e in matcher.find(sentence, one_token)] == [(written, code)]


def test_every_language_and_country_is_covered():
    covered = {(language, code) for language, _, _, code in cases()}
    assert covered == {(language, code) for language in GENERATED for code in BOOK.countries}


def test_the_first_name_of_each_language_is_the_name_itself():
    for language, name, _ in BOOK.names():
        assert forms(language, name)[0] == name


def test_no_form_points_at_two_countries(matcher):
    owners = {}
    for form in matcher.forms():
        owners.setdefault(form.text.casefold(), set()).add(form.code)
    assert {text: codes for text, codes in owners.items() if len(codes) > 1} == {}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Германия", ["Германия", "Германии", "Германии", "Германию", "Германией", "Германии"]),
        ("Япония", ["Япония", "Японии", "Японии", "Японию", "Японией", "Японии"]),
        ("Великобритания", ["Великобритания", "Великобритании", "Великобритании",
                            "Великобританию", "Великобританией", "Великобритании"]),
        ("Соединённые Штаты", ["Соединённые Штаты", "Соединённых Штатов", "Соединённым Штатам",
                               "Соединённые Штаты", "Соединёнными Штатами",
                               "Соединённых Штатах"]),
        ("США", ["США"] * 6),
        ("Гонконг", ["Гонконг", "Гонконга", "Гонконгу", "Гонконг", "Гонконгом", "Гонконге"]),
        ("Сингапур", ["Сингапур", "Сингапура", "Сингапуру", "Сингапур", "Сингапуром",
                      "Сингапуре"]),
        ("Новая Зеландия", ["Новая Зеландия", "Новой Зеландии", "Новой Зеландии",
                            "Новую Зеландию", "Новой Зеландией", "Новой Зеландии"]),
        ("Мексика", ["Мексика", "Мексики", "Мексике", "Мексику", "Мексикой", "Мексике"]),
        ("Америка", ["Америка", "Америки", "Америке", "Америку", "Америкой", "Америке"]),
        ("Штаты", ["Штаты", "Штатов", "Штатам", "Штаты", "Штатами", "Штатах"]),
    ],
)
def test_russian_names_are_declined_through_the_six_cases(name, expected):
    assert [russian_cases(name)[case] for case in CASES] == expected


def test_german_adds_the_genitive_and_spells_without_umlauts():
    assert forms("de", "Deutschland") == ["Deutschland", "Deutschlands"]
    assert set(forms("de", "Österreich")) == {
        "Österreich", "Österreichs", "Oesterreich", "Oesterreichs", "Osterreich", "Osterreichs"}
    assert forms("de", "Schweiz") == ["Schweiz"]      # die Hotline der Schweiz
    assert forms("de", "USA") == ["USA"]
    assert "Grossbritannien" in forms("de", "Großbritannien")
    assert "Vereinigtes Koenigreich" in forms("de", "Vereinigtes Königreich")
