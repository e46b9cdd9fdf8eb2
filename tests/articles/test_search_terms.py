"""Search terms per language: stems that join a word's forms, stop words left out, Japanese as the
bot segments it."""
import pytest

from bolt.core.search_terms import search_terms


@pytest.mark.parametrize("language, one, other", [
    ("en", "invoices", "invoice"),
    ("en", "deleting", "delete"),
    ("de", "Passwörter", "Passwort"),
    ("de", "Rechnungen", "Rechnung"),
    # the first person of -eln verbs drops its e
    ("de", "wechsle", "wechseln"),
    ("de", "sammle", "sammeln"),
    ("de", "regle", "Regeln"),
    ("ru", "паролем", "пароль"),
    ("ru", "подписку", "подписка"),
    ("id", "pembayaran", "bayar"),
    ("it", "fatture", "fattura"),
    ("it", "l'abbonamento", "abbonamento"),
    ("ja", "届きました", "届く"),
])
def test_forms_of_a_word_are_one_term(language, one, other):
    assert search_terms(one, language) == search_terms(other, language) != []


@pytest.mark.parametrize("language, question, content", [
    ("en", "how do I reset my password", ["reset", "password"]),
    ("de", "wie kann ich mein Passwort ändern", ["passwort", "and"]),
    ("ru", "как мне сменить пароль", ["смен", "парол"]),
    ("id", "bagaimana cara mengganti kata sandi", ["ganti", "kata", "sandi"]),
    ("it", "come posso cambiare la password", ["camb", "password"]),
    ("ja", "パスワードを変更する方法", ["パスワード", "変更"]),
])
def test_function_words_are_left_out(language, question, content):
    assert search_terms(question, language) == content


def test_japanese_is_segmented_as_the_bot_segments_it():
    from bolt.core.text import words

    text = "請求書をダウンロードしたい"
    lemmas = [word.lemma for word in words(text)]
    assert set(search_terms(text, "ja")) <= set(lemmas)
    assert "請求" in search_terms(text, "ja") or "請求書" in search_terms(text, "ja")


def test_hyphenated_words_are_found_by_their_parts():
    terms = search_terms("E-Mail-Benachrichtigungen", "de")
    assert set(search_terms("Benachrichtigungen", "de")) <= set(terms)
    assert search_terms("email", "en")[0] in search_terms("e-mail", "en")


def test_a_word_of_another_script_is_kept_as_written():
    assert "設定" in search_terms("Einstellungen 設定", "de")


@pytest.mark.parametrize("word", ["Tabelle", "Kohle", "Kerl"])
def test_a_german_l_with_no_dropped_e_is_kept(word):
    assert not search_terms(word, "de")[0].endswith("el")
