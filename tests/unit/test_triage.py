"""Triage: the priority a description suggests, from the cue phrases of every language."""
import pytest

from actions.config import ACTIONS_DIR
from actions.triage import CuesError, load_cues, parse_cues

CUES = load_cues(ACTIONS_DIR / "triage_cues.yml")


@pytest.mark.parametrize("text, priority", [
    ("Zoom is down for all users in the company", "P1"),
    ("screen sharing is not working at all, nobody can present", "P1"),
    ("Meetings keep dropping for the whole team", "P2"),
    ("The recording feature gives an error", "P3"),
    ("How do I set up SSO for our account?", "P4"),
    ("Zoom ist seit heute Morgen komplett ausgefallen", "P1"),
    ("Die Verbindung bricht ständig ab, das ganze Team ist betroffen", "P2"),
    ("Die Aufnahme funktioniert nicht", "P3"),
    ("Wie kann ich die Warteraum-Einstellungen ändern?", "P4"),
    ("Nessuno riesce a entrare nelle riunioni, è un'emergenza", "P1"),
    ("La condivisione schermo non funziona", "P3"),
    ("Semua pengguna tidak bisa masuk, Zoom mati", "P1"),
    ("Bagaimana cara mengatur ruang tunggu?", "P4"),
    ("Ничего не работает, вся компания без связи", "P1"),
    ("Звук постоянно обрывается у многих пользователей", "P2"),
    ("При входе появляется ошибка", "P3"),
    ("全社でZoomがダウンしています", "P1"),
    ("録画機能でエラーが出ます", "P3"),
    ("待機室の設定方法を教えてください", "P4"),
])
def test_clear_descriptions_get_their_priority(text, priority):
    assert CUES.priority_of(text) == priority


@pytest.mark.parametrize("text", [
    "I want to talk to a person",
    "Zoom is down, and I have a question",  # P1 and P4 equally
    "",
])
def test_unclear_descriptions_get_none(text):
    assert CUES.priority_of(text) is None


def test_a_cue_inside_a_longer_one_does_not_count_twice():
    cues = parse_cues({"languages": {"en": {"P1": ["not working at all"], "P3": ["not working"]}}})
    assert cues.priority_of("It's not working at all") == "P1"
    assert cues.priority_of("It's not working") == "P3"


def test_word_endings_match_only_where_asked():
    cues = parse_cues({"languages": {"en": {"P3": ["crash*"], "P1": ["down"]}}})
    assert cues.priority_of("the app crashed") == "P3"
    assert cues.priority_of("the download is slow") is None


@pytest.mark.parametrize("raw, message", [
    ([], "languages"),
    ({"languages": {"fr": {"P1": ["panne"]}}}, "unknown languages"),
    ({"languages": {"en": {"P5": ["meh"]}}}, "languages.en"),
    ({"languages": {"en": {"P1": "down"}}}, r"languages.en.P1"),
    ({"languages": {"en": {"P1": ["*"]}}}, r"languages.en.P1"),
])
def test_invalid_cue_files_are_refused_with_the_place(raw, message):
    with pytest.raises(CuesError, match=message):
        parse_cues(raw)
