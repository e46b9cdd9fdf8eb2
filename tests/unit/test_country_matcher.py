from pathlib import Path

import pytest

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bolt.core.phonebook import load_phonebook
from bolt.core.text import words
from bot.nlu.country import CountryEntityExtractor, CountryMatcher
from bot.nlu.tokenizer import MultilingualTokenizer

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
        ("Japan -Hotline, - Schweiz", [("Japan", "JP"), ("Schweiz", "CH")]),
        ("numbers for the UK and hong  kong", [("UK", "GB"), ("hong  kong", "HK")]),
        ("nomor Selandia Baru", [("Selandia Baru", "NZ")]),
    ],
)
def test_countries_are_found_in_every_language(matcher, text, expected):
    assert countries(matcher, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # Italian: elided articles and prepositions, articulated prepositions
        ("numero per l'Italia", [("Italia", "IT")]),
        ("chiamo dall'Italia", [("Italia", "IT")]),
        ("chiamo dall’Italia", [("Italia", "IT")]),
        ("sono nell'Austria", [("Austria", "AT")]),
        ("chiamo dall'India", [("India", "IN")]),
        ("sono in Giappone", [("Giappone", "JP")]),
        ("chiamo dal Regno Unito", [("Regno Unito", "GB")]),
        ("vivo negli Stati Uniti", [("Stati Uniti", "US")]),
        ("il numero della Germania", [("Germania", "DE")]),
        ("numero degli Stati Uniti d'America", [("Stati Uniti d'America", "US")]),
        # Russian: cases, ё written е, the indeclinable США
        ("звоню из Соединённых Штатов", [("Соединённых Штатов", "US")]),
        ("звоню из Соединенных Штатов", [("Соединенных Штатов", "US")]),
        ("как связаться с Соединёнными Штатами", [("Соединёнными Штатами", "US")]),
        ("я в Штатах", [("Штатах", "US")]),
        ("номер в США", [("США", "US")]),
        ("номер в сша", [("сша", "US")]),
        ("связаться с Новой Зеландией", [("Новой Зеландией", "NZ")]),
        ("звоню по Гонконгу", [("Гонконгу", "HK")]),
        ("я живу в Мексике", [("Мексике", "MX")]),
        ("звонок в Японию", [("Японию", "JP")]),
        # German: articles stay outside the name, adjective endings, genitive, no umlauts
        ("Ich rufe aus Deutschland an", [("Deutschland", "DE")]),
        ("Hotline in der Schweiz", [("Schweiz", "CH")]),
        ("Anruf aus den USA", [("USA", "US")]),
        ("Nummer in den Vereinigten Staaten", [("Vereinigten Staaten", "US")]),
        ("Ich rufe aus dem Vereinigten Königreich an", [("Vereinigten Königreich", "GB")]),
        ("die Hotline des Vereinigten Königreichs", [("Vereinigten Königreichs", "GB")]),
        ("Support in Großbritannien", [("Großbritannien", "GB")]),
        ("Support in Grossbritannien", [("Grossbritannien", "GB")]),
        ("Nummer für Neuseeland", [("Neuseeland", "NZ")]),
        ("die Hotline Deutschlands", [("Deutschlands", "DE")]),
        ("Anruf aus Österreich", [("Österreich", "AT")]),
        ("Anruf aus Oesterreich", [("Oesterreich", "AT")]),
        # Indonesian: prepositions, enclitics, hyphenated prefixes
        ("saya dari Jepang", [("Jepang", "JP")]),
        ("saya di Inggris", [("Inggris", "GB")]),
        ("nomor Britania Raya", [("Britania Raya", "GB")]),
        ("nomor Amerika Serikatnya berapa", [("Amerika Serikat", "US")]),
        ("nomor Jepangnya berapa", [("Jepang", "JP")]),
        ("telepon ke-Jepang", [("Jepang", "JP")]),
        ("saya di Hong Kong, Tiongkok", [("Hong Kong", "HK")]),
        # Japanese: particles, kanji and katakana variants, full-width letters
        ("ドイツから電話します", [("ドイツ", "DE")]),
        ("日本で使える番号", [("日本", "JP")]),
        ("イギリスの番号", [("イギリス", "GB")]),
        ("アメリカへかけたい", [("アメリカ", "US")]),
        ("香港からです", [("香港", "HK")]),
        ("英国から電話したい", [("英国", "GB")]),
        ("米国の番号", [("米国", "US")]),
        ("豪州から", [("豪州", "AU")]),
        ("にほんから電話", [("にほん", "JP")]),
        ("にっぽんで使える番号", [("にっぽん", "JP")]),
        ("ＵＳＡから", [("ＵＳＡ", "US")]),
        # English: possessive, the abbreviation's final dot
        ("what is Germany's number", [("Germany", "DE")]),
        ("calling from the U.S. today", [("U.S.", "US")]),
    ],
)
def test_countries_are_found_in_their_grammatical_forms(matcher, text, expected):
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
        "インドネシアから電話",            # Indonesia, with a particle
        "ドイツ語のサポート",               # the German language is not Germany
        "にほんごでおねがいします",          # nor the Japanese language in hiragana
        "bisa pakai bahasa Inggris?",   # the English language is not England
        "dalam bahasa Jerman saja",     # nor German Germany
        "nomor telepon Tiongkok",       # China has no number; Hong Kong is not China
        "parlo italiano",               # an adjective, not Italy
        "Indiana phone number",
        "auf Deutsch bitte",
    ],
)
def test_words_that_only_look_like_countries_are_not_countries(matcher, text):
    assert countries(matcher, text) == []


def test_georgia_is_a_country_only_if_the_table_has_it(matcher):
    listed = {name.casefold(): code for _, name, code in load_phonebook(TABLE).names()}
    expected = [("Georgia", listed["georgia"])] if "georgia" in listed else []
    assert countries(matcher, "support number for Georgia") == expected


def test_the_extractor_stores_the_tables_names_and_finds_the_forms_once_loaded(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("country")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**CountryEntityExtractor.get_default_config(), "phone_table": str(TABLE)}
    CountryEntityExtractor.create(config, storage, resource, context).train(TrainingData())
    loaded = CountryEntityExtractor.load(config, storage, resource, context)

    text = "звоню из Соединённых Штатов, а потом dall'Italia"
    message = Message(data={"text": text})
    MultilingualTokenizer(MultilingualTokenizer.get_default_config()).process([message])
    loaded.process([message])

    assert [(text[e["start"] : e["end"]], e["value"], e["extractor"])
            for e in message.get("entities")] == [
        ("Соединённых Штатов", "US", "CountryEntityExtractor"),
        ("Italia", "IT", "CountryEntityExtractor")]
