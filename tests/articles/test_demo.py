"""The demo help center: the demo page's article as a Zendesk export, in six languages, and the
facts its language versions disagree on, which `bolt content validate` reports."""
from __future__ import annotations

import json
import subprocess
import sys

from bolt.articles.demo import DEMO_EXPORT, import_demo
from bolt.articles.search import ArticleSearch
from bolt.articles.store import open_engine
from bolt.core.languages import SUPPORTED_LANGUAGES
from bolt.editing.validate import validate_articles
from handoff.web.article import article_path, article_title, render_article
from support import REPOSITORY


def test_the_export_is_the_demo_pages_article_in_every_language():
    export = json.loads(DEMO_EXPORT.read_text(encoding="utf-8"))
    by_locale = {item["locale"].split("-")[0]: item for item in export["articles"]}
    assert sorted(by_locale) == sorted(SUPPORTED_LANGUAGES)
    for language, item in by_locale.items():
        text = article_path(language).read_text(encoding="utf-8")
        assert item["title"] == article_title(text)
        page = render_article(text)
        assert item["body"] == "\n".join(line for line in page.split("\n")
                                         if not line.startswith("<h1>"))
        assert item["html_url"].endswith(f"/help/{language}")


def test_a_suggested_section_links_to_the_heading_on_the_demo_page(tmp_path):
    engine = open_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    assert import_demo(engine).articles == 6
    [phone] = [s for s in ArticleSearch(engine, 0.0).ranked("Telefonnummer Italien", "de", 1)]
    assert phone.url == "http://127.0.0.1:5080/help/de#telefon"
    assert 'id="telefon"' in render_article(article_path("de").read_text(encoding="utf-8"))


def test_validate_reports_the_numbers_the_language_versions_disagree_on(tmp_path):
    engine = open_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    import_demo(engine)
    messages = [f.message for f in validate_articles(REPOSITORY, engine)]
    italy = [m for m in messages if "phone number for Italy (+39)" in m]
    assert len(italy) == 1
    assert "ja: +39-0761811003" in italy[0] and "+39 07611811003" in italy[0]


def test_the_command_reports_article_differences_without_failing(tmp_path):
    state = tmp_path / "state"
    env = {"BOLT_HOME": str(REPOSITORY), "BOLT_STATE_DIR": str(state), "PATH": "/usr/bin"}
    imported = subprocess.run([sys.executable, "-m", "bolt.cli", "articles", "import",
                               str(DEMO_EXPORT), "--source-name", "demo"], cwd=REPOSITORY,
                              env=env, capture_output=True, text=True)
    assert imported.returncode == 0, imported.stderr
    assert "6 added" in imported.stdout
    result = subprocess.run([sys.executable, "-m", "bolt.cli", "content", "validate"],
                            cwd=REPOSITORY, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "phone number for Italy (+39) differs" in result.stdout
    assert "The content is valid" in result.stdout
    assert "between the language versions of imported articles" in result.stderr
