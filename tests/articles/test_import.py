"""Importing a help center: a Zendesk export and a folder of Markdown/HTML files, bad input
reported per article with nothing written, and a re-import that replaces one source only. Runs on
SQLite, and on PostgreSQL inside scripts/with-scale-services."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bolt.articles import store
from bolt.articles.importing import ImportFailed, import_source
from support.articles_eval import EXPORT

PAGES = sorted(EXPORT.glob("*.json"))


def article(id_: int, locale: str = "en-us", **changes) -> dict:
    item = {"id": id_, "locale": locale, "title": f"Article {id_}",
            "html_url": f"https://help.example/hc/{locale}/articles/{id_}",
            "body": f"<p>Opening of {id_}.</p><h2 id='how'>How</h2><p>Do it like {id_}.</p>",
            "section_id": 7, "label_names": ["x"], "updated_at": "2024-01-01T00:00:00Z"}
    item.update(changes)
    return item


def page(path: Path, *articles: dict, next_page=None) -> Path:
    path.write_text(json.dumps({"articles": list(articles), "next_page": next_page}),
                    encoding="utf-8")
    return path


def versions(engine, source=None):
    with engine.connect() as connection:
        query = select(store.articles.c.source, store.articles.c.external_id,
                       store.articles.c.language, store.articles.c.title)
        if source:
            query = query.where(store.articles.c.source == source)
        return sorted(tuple(row) for row in connection.execute(query))


def section_count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(store.sections)).scalar()


def generation(engine) -> int:
    with engine.connect() as connection:
        return store.generation(connection)


def test_a_zendesk_export_of_six_pages_is_imported_in_six_languages(engine):
    imported = import_source(engine, EXPORT, "tasklane")
    assert imported.kind == "Zendesk export" and imported.count.added == imported.articles
    languages = {language for _, _, language, _ in versions(engine)}
    assert languages == {"en", "ja", "ru", "id", "it", "de"}
    for language in languages:
        assert sum(1 for v in versions(engine) if v[2] == language) >= 15
    with engine.connect() as connection:
        sections = list(store.load_sections(connection, "de"))
    password = [s for s in sections if s.external_id == "3600001001"]
    assert [s.anchor for s in password] == ["forgot", "change", "no-email"]
    assert password[0].link.endswith("/articles/3600001001-passwort-zurücksetzen#forgot")
    assert password[0].article_title == "Passwort zurücksetzen"
    assert "passwort" in password[0].title_terms  # the title (and labels) count as the title
    assert generation(engine) == 1


def test_importing_the_same_export_again_changes_nothing(engine):
    import_source(engine, EXPORT, "tasklane")
    again = import_source(engine, EXPORT, "tasklane")
    assert (again.count.added, again.count.updated, again.count.removed) == (0, 0, 0)
    assert again.count.unchanged == again.articles
    assert generation(engine) == 1  # running servers have nothing to reload


def test_a_reimport_updates_changed_and_removes_deleted_articles_of_its_source_only(engine,
                                                                                    tmp_path):
    first = page(tmp_path / "first.json", article(1), article(2), article(2, "de"),
                 article(3))
    import_source(engine, first, "ours")
    import_source(engine, page(tmp_path / "other.json", article(1), article(9)), "theirs")
    sections_before = section_count(engine)
    second = page(tmp_path / "first.json", article(1),
                  article(2, title="Article 2, rewritten",
                          body="<h2 id='new'>New</h2><p>All new.</p>"),
                  article(4))
    count = import_source(engine, second, "ours").count
    assert (count.added, count.updated, count.unchanged, count.removed) == (1, 1, 1, 2)
    assert versions(engine, "ours") == [("ours", "1", "en", "Article 1"),
                                        ("ours", "2", "en", "Article 2, rewritten"),
                                        ("ours", "4", "en", "Article 4")]
    assert versions(engine, "theirs") == [("theirs", "1", "en", "Article 1"),
                                          ("theirs", "9", "en", "Article 9")]
    with engine.connect() as connection:
        rewritten = [s for s in store.load_sections(connection, "en")
                     if (s.source, s.external_id) == ("ours", "2")]
    assert [(s.anchor, s.text) for s in rewritten] == [("new", "All new.")]
    assert section_count(engine) < sections_before
    assert generation(engine) == 3


def test_bad_articles_are_each_reported_and_nothing_is_written(engine, tmp_path):
    import_source(engine, page(tmp_path / "good.json", article(1)), "ours")
    before = (versions(engine), section_count(engine), generation(engine))
    bad = page(tmp_path / "good.json",
               article(2),
               article(3, title=""),
               article(4, html_url="/relative/4"),
               {"locale": "en-us", "title": "no id"},
               article(5, label_names="not a list"),
               "not an object")
    with pytest.raises(ImportFailed) as failed:
        import_source(engine, bad, "ours")
    messages = [problem.render() for problem in failed.value.problems]
    assert messages == [
        "good.json, article 2 (id 3): missing or empty: title",
        "good.json, article 3 (id 4): html_url is not a web address: '/relative/4'",
        'good.json, article 4: no "id"',
        "good.json, article 5 (id 5): label_names is not a list of texts",
        "good.json, article 6: not a JSON object",
    ]
    assert (versions(engine), section_count(engine), generation(engine)) == before


def test_unreadable_pages_and_a_partial_export_are_refused(engine, tmp_path):
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ImportFailed) as broken:
        import_source(engine, tmp_path / "broken.json", "ours")
    assert "not a JSON file" in broken.value.problems[0].message
    partial = tmp_path / "partial"
    partial.mkdir()
    page(partial / "page-1.json", article(1), next_page="https://help.example/api?page=2")
    with pytest.raises(ImportFailed) as cut:
        import_source(engine, partial, "ours")
    assert "next_page is set" in cut.value.problems[0].message
    assert versions(engine) == []


def test_a_partial_copy_of_the_test_export_is_refused(engine, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    for path in PAGES[:3]:
        shutil.copy(path, folder)
    with pytest.raises(ImportFailed):
        import_source(engine, folder, "tasklane")


def test_drafts_and_languages_bolt_does_not_speak_are_left_out_and_said(engine, tmp_path):
    export = page(tmp_path / "p.json", article(1), article(2, draft=True), article(3, "fr"),
                  article(4, "de-at"))
    imported = import_source(engine, export, "ours")
    assert [v[1:3] for v in versions(engine)] == [("1", "en"), ("4", "de")]
    assert imported.skipped == ["p.json, article 2 (id 2): a draft",
                                "p.json, article 3 (id 3): locale fr is not a language Bolt "
                                "speaks"]


def test_the_same_article_twice_in_one_language_is_refused(engine, tmp_path):
    with pytest.raises(ImportFailed) as twice:
        import_source(engine, page(tmp_path / "p.json", article(1), article(1, "en-gb")), "ours")
    assert "article 1 is twice in en" in twice.value.problems[0].message


def test_an_empty_export_removes_nothing(engine, tmp_path):
    import_source(engine, page(tmp_path / "p.json", article(1)), "ours")
    with pytest.raises(ImportFailed):
        import_source(engine, page(tmp_path / "p.json"), "ours")
    assert len(versions(engine)) == 1


MARKDOWN = """---
title: Reset your password
locale: en-US
url: https://docs.example/reset
labels: [login]
---
# Reset your password

Locked out?

## Forgot it {#forgot}

Click **Forgot password**.
"""


def test_a_folder_of_markdown_and_html_files_is_imported(engine, tmp_path):
    folder = tmp_path / "docs"
    (folder / "de").mkdir(parents=True)
    (folder / "reset.en.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "de" / "reset.de.html").write_text(
        "---\ntitle: Passwort zurücksetzen\nlocale: de\nurl: https://docs.example/de/reset\n---\n"
        "<h2 id='vergessen'>Vergessen</h2><p>Klicken Sie auf Passwort vergessen.</p>",
        encoding="utf-8")
    (folder / "notes.txt").write_text("not an article", encoding="utf-8")
    imported = import_source(engine, folder)
    assert imported.source == "docs" and imported.kind == "folder of Markdown and HTML files"
    assert [v[1:] for v in versions(engine)] == [("reset", "de", "Passwort zurücksetzen"),
                                                 ("reset", "en", "Reset your password")]
    with engine.connect() as connection:
        sections = list(store.load_sections(connection))
    assert sorted((s.language, s.anchor, s.link) for s in sections) == [
        ("de", "vergessen", "https://docs.example/de/reset#vergessen"),
        ("en", "forgot", "https://docs.example/reset#forgot")]


def test_bad_markdown_files_are_each_reported(engine, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# No front matter\n", encoding="utf-8")
    (folder / "b.md").write_text("---\ntitle: B\nlocale: en\n---\ntext\n", encoding="utf-8")
    (folder / "c.md").write_text("---\ntitle: [unclosed\n---\ntext\n", encoding="utf-8")
    (folder / "d.md").write_text("---\ntitle: D\nlocale: en\nurl: https://x.example/d\n---\n",
                                 encoding="utf-8")
    (folder / "e.md").write_bytes(b"---\xff\xfe\n")
    with pytest.raises(ImportFailed) as failed:
        import_source(engine, folder)
    problems = {p.where: p.message for p in failed.value.problems}
    assert sorted(problems) == ["a.md", "b.md", "c.md", "d.md", "e.md"]
    assert problems["a.md"].startswith("no front matter")
    assert problems["b.md"] == "front matter misses url"
    assert problems["c.md"].startswith("the front matter is not YAML")
    assert problems["d.md"] == "the article has no text"
    assert problems["e.md"].startswith("cannot be read as UTF-8 text")
    assert versions(engine) == []


def test_a_missing_source_is_said(engine, tmp_path):
    with pytest.raises(ImportFailed) as missing:
        import_source(engine, tmp_path / "nowhere")
    assert missing.value.problems[0].message == "no such file or folder"
