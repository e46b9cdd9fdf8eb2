"""`bolt articles import SOURCE`: read a source, and replace its articles in the store at once.

A source is a Zendesk Help Center export (a `.json` page or a folder of them) or a folder of
Markdown and HTML files. Nothing is written when any article is bad: every problem is listed,
so the editor fixes them all in one go, and the store keeps the previous import whole.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from sqlalchemy.engine import Engine

from bolt.articles.files import read_folder
from bolt.articles.model import Problem, Reading
from bolt.articles.store import DuplicateArticle, ImportCount, replace_source
from bolt.articles.zendesk import is_zendesk_export, read_zendesk


class ImportFailed(Exception):
    def __init__(self, problems: List[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class Imported:
    source: str
    kind: str
    articles: int
    count: ImportCount
    skipped: List[str] = field(default_factory=list)


def source_name(path: Path) -> str:
    """The name a source is known by when none is given: its file or folder name."""
    return path.resolve().stem if path.is_file() else path.resolve().name


def read_source(path: Path) -> "tuple[str, Reading]":
    if not path.exists():
        raise ImportFailed([Problem(str(path), "no such file or folder")])
    if is_zendesk_export(path):
        return "Zendesk export", read_zendesk(path)
    if path.is_dir():
        return "folder of Markdown and HTML files", read_folder(path)
    raise ImportFailed([Problem(str(path), "neither a Zendesk export (.json) nor a folder")])


def import_source(engine: Engine, path: Path, source: Optional[str] = None) -> Imported:
    kind, reading = read_source(path)
    name = source or source_name(path)
    if reading.problems:
        raise ImportFailed(reading.problems)
    if not reading.articles:
        raise ImportFailed([Problem(str(path), "no article in any of Bolt's languages: nothing "
                                               "imported (an empty source would remove every "
                                               f"article of {name!r})")])
    try:
        count = replace_source(engine, name, reading.articles)
    except DuplicateArticle as error:
        raise ImportFailed([Problem(str(path), str(error))]) from None
    return Imported(name, kind, len(reading.articles), count, reading.skipped)
