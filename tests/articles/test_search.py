"""Search: the sections of the user's language, ranked, with the best matching sentence; none
under the relevance floor; new articles seen by a running search without a restart."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bolt.articles import search as search_module
from bolt.articles.floor import load_floor
from bolt.articles.importing import import_source
from bolt.articles.report import suggestion_report
from bolt.articles.search import ArticleSearch, best_sentence
from bolt.articles.store import Suggested, record_suggestions
from support.articles_eval import EXPORT


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def page(path: Path, *articles: dict) -> Path:
    path.write_text(json.dumps({"articles": list(articles), "next_page": None}), encoding="utf-8")
    return path


def article(id_: int, title: str, body: str, locale: str = "en-us") -> dict:
    return {"id": id_, "locale": locale, "title": title, "body": body,
            "html_url": f"https://help.example/hc/{locale}/articles/{id_}"}


@pytest.fixture
def help_center(engine):
    import_source(engine, EXPORT, "tasklane")
    return engine


def test_the_right_section_comes_first_with_its_link_and_best_sentence(help_center):
    search = ArticleSearch(help_center, load_floor().floors)
    [first, *_] = search.search("how do I cancel my subscription", "en")
    assert (first.external_id, first.anchor) == ("3600001006", "cancel")
    assert first.title == "Cancel your subscription and refunds"
    assert first.heading == "Cancel your subscription"
    assert first.url == ("https://help.tasklane.example/hc/en-us/articles/"
                         "3600001006-cancel-your-subscription-and-refunds#cancel")
    assert first.snippet == ("In Workspace settings > Billing, click Cancel subscription and "
                             "tell us why you're leaving.")
    assert 0 < first.score <= 1.5


def test_only_the_users_language_is_searched(help_center):
    search = ArticleSearch(help_center, 0.0)
    found = search.ranked("Passwort vergessen", "de", 5)
    assert found and {s.language for s in found} == {"de"}
    assert {s.language for s in search.ranked("パスワード", "ja", 5)} == {"ja"}


def test_nothing_is_suggested_under_the_floor(help_center):
    search = ArticleSearch(help_center, load_floor().floors)
    assert search.search("what's the weather like in Lisbon tomorrow", "en") == []
    high = ArticleSearch(help_center, 10.0)
    assert high.search("how do I cancel my subscription", "en") == []
    assert high.ranked("how do I cancel my subscription", "en") != []


def test_an_unknown_language_is_an_error_and_an_empty_one_has_nothing(engine, tmp_path):
    import_source(engine, page(tmp_path / "p.json", article(1, "Reset", "<p>Reset it.</p>")),
                  "ours")
    search = ArticleSearch(engine, 0.0)
    with pytest.raises(ValueError):
        search.ranked("reset", "fr")
    assert search.ranked("reset", "de") == []
    assert search.sections("en") == 1


def test_a_running_search_sees_an_import_within_its_check_interval(engine, tmp_path):
    clock = Clock()
    import_source(engine, page(tmp_path / "p.json",
                               article(1, "Reset your password", "<p>Click Forgot.</p>")), "ours")
    search = ArticleSearch(engine, 0.0, check_every=1.0, clock=clock)
    assert [s.external_id for s in search.ranked("invoice download", "en")] in ([], ["1"])
    import_source(engine, page(tmp_path / "p.json",
                               article(1, "Reset your password", "<p>Click Forgot.</p>"),
                               article(2, "Download an invoice", "<p>Billing, then PDF.</p>")),
                  "ours")
    clock.now = 0.5  # not yet checked again
    assert [s.external_id for s in search.ranked("invoice download", "en")] in ([], ["1"])
    clock.now = 1.5
    assert [s.external_id for s in search.ranked("invoice download", "en")][0] == "2"
    generation = search.generation
    clock.now = 3.0
    search.ranked("invoice", "en")
    assert search.generation == generation  # nothing changed: the index was kept


def test_the_best_sentence_holds_most_of_the_question():
    sentences = (("Intro.", ()), ("Click Cancel subscription.", ("cancel", "subscript")),
                 ("Refunds take a week.", ("refund", "week")))
    weights = {"cancel": 2.0, "subscript": 1.0, "refund": 2.5}
    idf = lambda term: weights.get(term, 0.1)  # noqa: E731
    assert best_sentence(sentences, ["cancel", "subscript"], idf) == "Click Cancel subscription."
    assert best_sentence(sentences, ["refund"], idf) == "Refunds take a week."
    assert best_sentence(sentences, ["nothing"], idf) == "Intro."
    assert best_sentence((), ["x"], idf) == ""


def test_suggest_reads_the_store_the_settings_name(tmp_path, monkeypatch):
    from bolt.articles.store import open_engine

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    import_source(open_engine(url), EXPORT, "tasklane")
    monkeypatch.setenv("BOLT_ARTICLES_URL", url)
    monkeypatch.setattr(search_module, "_default", None)
    found = search_module.suggest("Abo kündigen", "de", 2)
    assert 1 <= len(found) <= 2 and found[0].anchor == "cancel"
    assert search_module.suggest("Abo kündigen", "de", 2) == found
    assert search_module.suggest("Abo kündigen", "de", 2, intent="product_question") == found
    assert search_module.suggest("Abo kündigen", "de", 2, intent=search_module.NOT_OURS) == []


def test_the_report_lists_articles_never_suggested_and_questions_without_one(engine, tmp_path):
    import_source(engine, page(tmp_path / "p.json",
                               article(1, "Reset your password", "<p>Click Forgot.</p>"),
                               article(2, "Download an invoice", "<p>Billing, then PDF.</p>"),
                               article(2, "Rechnung herunterladen", "<p>PDF.</p>", "de")),
                  "ours")
    now = 1_700_000_000.0
    record_suggestions(engine, "reset password", "en", [Suggested("ours", "1", "", 0.4)], at=now)
    record_suggestions(engine, "weather?", "en", [], at=now)
    record_suggestions(engine, "weather?", "en", [], at=now + 1)
    record_suggestions(engine, "Wetter?", "de", [], at=now)
    record_suggestions(engine, "old question", "en", [], at=now - 40 * 86400)
    report = suggestion_report(engine, days=30, now=now + 10)
    assert (report.questions, report.suggested) == (3, 1)
    assert [(a.language, a.title) for a in report.never_suggested] == [
        ("de", "Rechnung herunterladen"), ("en", "Download an invoice")]
    assert [(q.language, q.text, q.times) for q in report.unanswered] == [
        ("en", "weather?", 2), ("de", "Wetter?", 1)]


def test_a_search_does_not_start_jax_which_rasa_installs():
    """bm25s would import jax and start XLA at import; Bolt only reads its scores."""
    import subprocess
    import sys

    probe = ("import sys\n"
             "from bolt.articles.index import LanguageIndex, _bm25s\n"
             "bm25s = _bm25s()\n"
             "assert 'jax' not in sys.modules, 'jax was imported'\n"
             "assert not bm25s.selection.JAX_IS_AVAILABLE\n"
             "import jax\n")  # jax itself still imports for whoever wants it
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
