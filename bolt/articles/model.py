"""What an importer reads from a help center: articles, and the problems of the bad ones."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import List, Tuple

from bolt.articles.sections import Section, html_sections, markdown_sections

HTML = "html"
MARKDOWN = "markdown"


@dataclass(frozen=True)
class ArticleIn:
    """One language version of an article, as its help center publishes it."""

    external_id: str  # the help center's id; its language versions share it
    language: str
    locale: str
    title: str
    url: str
    body: str
    body_format: str  # HTML or MARKDOWN
    group: str = ""  # the help center's section or category of the article
    labels: Tuple[str, ...] = ()
    updated_at: str = ""

    def sections(self) -> List[Section]:
        if self.body_format == MARKDOWN:
            return markdown_sections(self.title, self.body)
        return html_sections(self.title, self.body)

    def fingerprint(self) -> str:
        """Changes whenever anything the store keeps of the article changes."""
        fields = [self.locale, self.title, self.url, self.body, self.body_format, self.group,
                  list(self.labels), self.updated_at]
        return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class StoredArticle:
    """One language version of an article, as the store keeps it."""

    source: str
    external_id: str
    language: str
    title: str
    url: str
    body: str
    body_format: str


@dataclass(frozen=True)
class Problem:
    where: str  # the file, and the article in it
    message: str

    def render(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Reading:
    """All an importer read from a source: good articles, problems, and what it left out."""

    articles: List[ArticleIn] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)
    skipped: List[str] = field(default_factory=list)
