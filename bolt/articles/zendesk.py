"""A Zendesk Help Center export: the JSON the Help Center API returns for articles.

A page is `{"articles": [...], "next_page": URL or null, ...}`; an export is one page in a file,
or a folder of them (`*.json`, read in name order). An article has `id`, `locale`, `title`,
`body` (HTML), `html_url`, and optionally `section_id`, `label_names`, `updated_at` and `draft`.
Drafts are not published, and articles in a language Bolt does not speak are left out; both
are said. A page whose `next_page` is set, with no further page in the folder, is a partial
export and an error: removing the missing articles from the store would be wrong.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List

from bolt.articles.model import HTML, ArticleIn, Problem, Reading
from bolt.core.languages import language_of_locale

REQUIRED_TEXT = ("locale", "title", "body", "html_url")


def is_zendesk_export(path: Path) -> bool:
    if path.is_file():
        return path.suffix == ".json"
    return path.is_dir() and any(path.glob("*.json"))


def read_zendesk(path: Path) -> Reading:
    reading = Reading()
    pages = sorted(path.glob("*.json")) if path.is_dir() else [path]
    dangling: List[Path] = []
    for page in pages:
        try:
            data = json.loads(page.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            reading.problems.append(Problem(page.name, f"not a JSON file: {error}"))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
            reading.problems.append(Problem(
                page.name, 'not a page of the Help Center API: no "articles" list'))
            continue
        if data.get("next_page"):
            dangling.append(page)
        for number, article in enumerate(data["articles"], start=1):
            _read_article(article, f"{page.name}, article {number}", reading)
    if dangling and len(dangling) == len(pages):
        reading.problems.append(Problem(
            dangling[-1].name, "the export goes on (next_page is set) but no further page is "
            "here: export every page into one folder"))
    return reading


def _read_article(article: Any, where: str, reading: Reading) -> None:
    if not isinstance(article, dict):
        reading.problems.append(Problem(where, "not a JSON object"))
        return
    if article.get("id") is None or isinstance(article.get("id"), (dict, list, bool)):
        reading.problems.append(Problem(where, 'no "id"'))
        return
    where = f"{where} (id {article['id']})"
    missing = [name for name in REQUIRED_TEXT
               if not isinstance(article.get(name), str) or not article[name].strip()]
    if missing:
        reading.problems.append(Problem(where, "missing or empty: " + ", ".join(missing)))
        return
    if not article["html_url"].startswith(("https://", "http://")):
        reading.problems.append(Problem(where, f"html_url is not a web address: "
                                               f"{article['html_url']!r}"))
        return
    labels = article.get("label_names") or []
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        reading.problems.append(Problem(where, "label_names is not a list of texts"))
        return
    if article.get("draft") is True:
        reading.skipped.append(f"{where}: a draft")
        return
    language = language_of_locale(article["locale"])
    if language is None:
        reading.skipped.append(f"{where}: locale {article['locale']} is not a language Bolt "
                               "speaks")
        return
    reading.articles.append(ArticleIn(
        external_id=str(article["id"]), language=language, locale=article["locale"],
        title=article["title"].strip(), url=article["html_url"].strip(), body=article["body"],
        body_format=HTML, group=str(article.get("section_id") or ""), labels=tuple(labels),
        updated_at=str(article.get("updated_at") or "")))
