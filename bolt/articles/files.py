"""A folder of Markdown (`.md`) and HTML (`.html`, `.htm`) articles with front matter.

Each file starts with YAML front matter between `---` lines: `title`, `locale` and `url` are
required; `id` names the article across its languages (else the file's name without a
language suffix: `reset-password.de.md` and `reset-password.ja.md` are one article), `section`
and `labels` are optional. Sub-folders are read too.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import yaml

from bolt.articles.model import HTML, MARKDOWN, ArticleIn, Problem, Reading
from bolt.core.languages import SUPPORTED_LANGUAGES, language_of_locale

SUFFIXES = {".md": MARKDOWN, ".markdown": MARKDOWN, ".html": HTML, ".htm": HTML}


def read_folder(folder: Path) -> Reading:
    reading = Reading()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix.lower() not in SUFFIXES:
            continue
        where = str(path.relative_to(folder))
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reading.problems.append(Problem(where, f"cannot be read as UTF-8 text: {error}"))
            continue
        meta, body, problem = _front_matter(text)
        if problem:
            reading.problems.append(Problem(where, problem))
            continue
        _read_article(path, where, meta, body, reading)
    return reading


def _front_matter(text: str) -> Tuple[Dict[str, Any], str, Optional[str]]:
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, "no front matter: start the file with a '---' line, then title, " \
                         "locale and url, then '---'"
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        return {}, text, "the front matter has no closing '---' line"
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        return {}, text, f"the front matter is not YAML: {error}"
    if not isinstance(meta, dict):
        return {}, text, "the front matter is not a mapping of names to values"
    return meta, "\n".join(lines[end + 1:]), None


def _read_article(path: Path, where: str, meta: Dict[str, Any], body: str,
                  reading: Reading) -> None:
    missing = [name for name in ("title", "locale", "url")
               if not isinstance(meta.get(name), str) or not meta[name].strip()]
    if missing:
        reading.problems.append(Problem(where, "front matter misses " + ", ".join(missing)))
        return
    if not meta["url"].startswith(("https://", "http://")):
        reading.problems.append(Problem(where, f"url is not a web address: {meta['url']!r}"))
        return
    if not body.strip():
        reading.problems.append(Problem(where, "the article has no text"))
        return
    labels = meta.get("labels") or []
    if not isinstance(labels, list):
        reading.problems.append(Problem(where, "labels is not a list"))
        return
    language = language_of_locale(meta["locale"])
    if language is None:
        reading.skipped.append(f"{where}: locale {meta['locale']} is not a language Bolt speaks")
        return
    reading.articles.append(ArticleIn(
        external_id=str(meta.get("id") or _name_without_language(path)), language=language,
        locale=meta["locale"], title=meta["title"].strip(), url=meta["url"].strip(), body=body,
        body_format=SUFFIXES[path.suffix.lower()], group=str(meta.get("section") or ""),
        labels=tuple(str(label) for label in labels), updated_at=str(meta.get("updated_at") or "")))


def _name_without_language(path: Path) -> str:
    stem = path.stem
    head, _, tail = stem.rpartition(".")
    return head if head and (tail in SUPPORTED_LANGUAGES or language_of_locale(tail)) else stem
