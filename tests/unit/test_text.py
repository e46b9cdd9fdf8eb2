"""bolt/core/text.py: words in all of Bolt's languages, with exact offsets and lemmas."""
import subprocess
import sys

from bolt.core import text
from bolt.core.text import match_key, words


def surfaces(message):
    return [word.text for word in words(message)]


def test_japanese_is_segmented_into_words():
    assert surfaces("ドイツのサポート電話番号を教えて") == [
        "ドイツ", "の", "サポート", "電話", "番号", "を", "教え", "て"
    ]


def test_japanese_words_carry_dictionary_forms():
    found = words("使えますか")
    assert found[0].text == "使え" and found[0].lemma == "使える"


def test_other_words_are_their_own_lemma():
    assert [(w.text, w.lemma) for w in words("Kostet Premier+")] == [
        ("Kostet", "Kostet"), ("Premier+", "Premier+")]


def test_mixed_script_keeps_offsets_exact():
    message = "Zoomのプレミアプラン(Premier+)について"
    for word in words(message):
        assert message[word.start : word.end] == word.text
    assert "Zoom" in surfaces(message) and "Premier+" in surfaces(message)


def test_latin_and_cyrillic_split_on_words_and_keep_plan_names():
    assert surfaces("Was kostet Premier+? P1, 24x7!") == ["Was", "kostet", "Premier+", "P1", "24x7"]
    assert surfaces("номер поддержки в Германии") == ["номер", "поддержки", "в", "Германии"]
    assert surfaces("l'assistenza è 24x7") == ["l'assistenza", "è", "24x7"]


def test_text_without_words_has_none():
    assert words("") == [] and words("!!! ？") == []


def test_the_match_key_is_the_words_spaced_as_their_language_writes_them():
    for message in ["ドイツのサポート電話番号を教えて", "いや、違う", "Zoomのプレミアプラン(Premier+)は？",
                    "Was kostet Premier+? P1, 24x7!", "номер в Германии", "使えますか ok 使える"]:
        key, japanese_before = "", False
        for word in words(message):
            japanese = text.JAPANESE_RUN.fullmatch(word.text) is not None
            key += ("" if not key or (japanese and japanese_before) else " ") + word.text.casefold()
            japanese_before = japanese
        assert match_key(message) == key


def test_texts_match_whatever_their_case_punctuation_and_spacing():
    assert match_key("Was kostet  Premier+?") == match_key("was kostet premier+") \
        == "was kostet premier+"
    assert match_key("ドイツの 電話番号を教えて。") == match_key("ドイツの電話番号を教えて")
    assert match_key("Premier+ plan") != match_key("Premier plan")  # a plan's name is a word
    assert match_key("!!!") == ""


def test_splitting_needs_no_rasa():
    check = ("import sys; from bolt.core.text import words; words('ドイツ Premier+'); "
             "sys.exit(any(name.split('.')[0] == 'rasa' for name in sys.modules))")
    assert subprocess.run([sys.executable, "-c", check]).returncode == 0
