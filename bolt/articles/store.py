"""The article store: articles, their sections with search terms, a generation number, and the
log of suggestions. SQLite by default, PostgreSQL by URL; the same SQLAlchemy code for both.

Every import is one transaction: it adds, updates and removes the articles of one source and
raises the generation number when anything changed, so that a running server sees new articles
by reading one number (`generation`). Sections keep the search terms of their title (the article's title and labels, and
the section's heading) and text
(bolt/core/search_terms.py) and their meaning's vector (bolt/core/meaning.py) as computed
at import, with the analysis version they were made with, so loading the index analyses nothing
unless that version changed.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from sqlalchemy import (
    Column, Float, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text,
    UniqueConstraint,
    delete, event, func, insert, inspect, or_, select, update,
)
from sqlalchemy.engine import Connection, Engine, create_engine, make_url
from sqlalchemy.sql.elements import ColumnElement

import numpy as np

from bolt.core import meaning
from bolt.articles.model import ArticleIn, StoredArticle
from bolt.articles.sections import Section
from bolt.core.search_terms import search_terms

# Raised whenever what search_terms() makes of a text changes: stored terms are then redone.
ANALYSIS_VERSION = 2
GENERATION = "generation"

metadata = MetaData()

state = Table(
    "article_store_state", metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Integer, nullable=False),
)

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(200), nullable=False),
    Column("external_id", String(200), nullable=False),
    Column("language", String(8), nullable=False),
    Column("locale", String(40), nullable=False),
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("body_format", String(16), nullable=False),
    Column("grp", String(200), nullable=False, default=""),
    Column("labels", Text, nullable=False, default="[]"),
    Column("updated_at", String(40), nullable=False, default=""),
    Column("fingerprint", String(64), nullable=False),
    UniqueConstraint("source", "external_id", "language", name="uq_article_version"),
)

sections = Table(
    "article_sections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("position", Integer, nullable=False),
    Column("heading", Text, nullable=False),
    Column("anchor", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("title_terms", Text, nullable=False),  # space-separated
    Column("body_terms", Text, nullable=False),
    Column("sentence_terms", Text, nullable=False),  # JSON: [[sentence, [terms]], ...]
    Column("analysis", Integer, nullable=False),
    Column("meaning", LargeBinary),  # float32 little-endian, bolt/core/meaning.py
)

# What Bolt suggested for a question (one row per suggested section, ranked), or that it had
# nothing to suggest (one row without an article). Filled by the conversation; read by
# `bolt articles report`. The question is the user's own words: each row names its conversation
# and, for a signed-in user, the user, so that the retention sweep and `bolt privacy` reach it.
suggestions = Table(
    "article_suggestions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False, index=True),
    Column("language", String(8), nullable=False),
    Column("question", Text, nullable=False),
    Column("source", String(200)),
    Column("external_id", String(200)),
    Column("anchor", String(200)),
    Column("rank", Integer),
    Column("score", Float),
    Column("conversation_id", String(64), index=True),
    Column("user_id", String(200), index=True),
)
# Columns added to a table after its first release: added to a store made before them.
ADDED_COLUMNS = {"article_suggestions": ("conversation_id", "user_id"),
                 "article_sections": ("meaning",)}


@dataclass(frozen=True)
class StoredSection:
    id: int
    source: str
    external_id: str
    language: str
    article_title: str
    url: str  # the article's URL; the section's is url#anchor
    heading: str
    anchor: str
    text: str
    title_terms: Tuple[str, ...]
    body_terms: Tuple[str, ...]
    sentences: Tuple[Tuple[str, Tuple[str, ...]], ...]
    meaning: np.ndarray = field(compare=False, repr=False)  # bolt/core/meaning.py

    @property
    def link(self) -> str:
        return f"{self.url}#{self.anchor}" if self.anchor else self.url


@dataclass(frozen=True)
class ImportCount:
    added: int
    updated: int
    unchanged: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


class DuplicateArticle(ValueError):
    pass


def open_engine(url: str) -> Engine:
    """An engine on the store, its tables created when missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    metadata.create_all(engine)
    _add_missing_columns(engine)
    return engine


def _add_missing_columns(engine: Engine) -> None:
    present = {table: {column["name"] for column in inspect(engine).get_columns(table)}
               for table in ADDED_COLUMNS}
    with engine.begin() as connection:
        for table_name, names in ADDED_COLUMNS.items():
            table = metadata.tables[table_name]
            for name in names:
                if name in present[table_name]:
                    continue
                column = table.c[name]
                kind = column.type.compile(dialect=engine.dialect)
                connection.exec_driver_sql(
                    f"ALTER TABLE {table_name} ADD COLUMN {name} {kind}")
                if column.index:
                    connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS "
                                               f"ix_{table_name}_{name} ON {table_name} ({name})")


def existing_store(url: str) -> Optional[Engine]:
    """The store, when there is one: a SQLite file that does not exist is no store (nothing is
    created by looking); a database server's store is opened."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not (
            parsed.database and Path(parsed.database).is_file()):
        return None
    return open_engine(url)


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    # Readers in the servers never wait for an import, nor an import for them.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def generation(connection: Connection) -> int:
    value = connection.execute(select(state.c.value).where(state.c.name == GENERATION)).scalar()
    return int(value or 0)


def _raise_generation(connection: Connection) -> None:
    done = connection.execute(update(state).where(state.c.name == GENERATION)
                              .values(value=state.c.value + 1))
    if not done.rowcount:
        connection.execute(insert(state).values(name=GENERATION, value=1))


def section_rows(article_id: int, article: ArticleIn) -> List[Dict[str, object]]:
    rows = []
    parts = article.sections()
    vectors = meaning.meanings([meaning.section_text(article.title, section.heading, section.text)
                                for section in parts])
    for section, vector in zip(parts, vectors):
        heading = "" if section.heading == article.title else section.heading
        # The text is its sentences: analysed once, for the snippets and the ranking alike.
        sentences = [[sentence, search_terms(sentence, article.language)]
                     for sentence in section.sentences()]
        rows.append({
            "article_id": article_id, "position": section.position,
            "heading": section.heading, "anchor": section.anchor, "text": section.text,
            "title_terms": " ".join(search_terms(
                "\n".join([article.title, heading, *article.labels]), article.language)),
            "body_terms": " ".join(term for _, terms in sentences for term in terms),
            "sentence_terms": json.dumps(sentences, ensure_ascii=False),
            "analysis": ANALYSIS_VERSION,
            "meaning": meaning.to_bytes(vector),
        })
    return rows


def replace_source(engine: Engine, source: str, incoming: Sequence[ArticleIn]) -> ImportCount:
    """Makes the store's articles of `source` exactly `incoming`, in one transaction."""
    seen: Dict[Tuple[str, str], ArticleIn] = {}
    for article in incoming:
        key = (article.external_id, article.language)
        if key in seen:
            raise DuplicateArticle(f"article {article.external_id} is twice in "
                                   f"{article.language} ({seen[key].url} and {article.url})")
        seen[key] = article
    added = updated = unchanged = 0
    with engine.begin() as connection:
        existing = {(row.external_id, row.language): (row.id, row.fingerprint)
                    for row in connection.execute(
                        select(articles.c.id, articles.c.external_id, articles.c.language,
                               articles.c.fingerprint).where(articles.c.source == source))}
        for key, article in seen.items():
            fingerprint = article.fingerprint()
            values = {
                "locale": article.locale, "title": article.title, "url": article.url,
                "body": article.body, "body_format": article.body_format, "grp": article.group,
                "labels": json.dumps(list(article.labels), ensure_ascii=False),
                "updated_at": article.updated_at, "fingerprint": fingerprint,
            }
            if key in existing:
                article_id, stored = existing[key]
                if stored == fingerprint:
                    unchanged += 1
                    continue
                connection.execute(update(articles).where(articles.c.id == article_id)
                                   .values(**values))
                connection.execute(delete(sections).where(sections.c.article_id == article_id))
                updated += 1
            else:
                article_id = connection.execute(insert(articles).values(
                    source=source, external_id=article.external_id,
                    language=article.language, **values)).inserted_primary_key[0]
                added += 1
            rows = section_rows(article_id, article)
            if rows:
                connection.execute(insert(sections), rows)
        gone = [article_id for key, (article_id, _) in existing.items() if key not in seen]
        if gone:
            connection.execute(delete(sections).where(sections.c.article_id.in_(gone)))
            connection.execute(delete(articles).where(articles.c.id.in_(gone)))
        count = ImportCount(added, updated, unchanged, len(gone))
        if count.changed:
            _raise_generation(connection)
    return count


def load_sections(connection: Connection, language: Optional[str] = None
                  ) -> Iterator[StoredSection]:
    query = (select(sections, articles.c.source, articles.c.external_id, articles.c.language,
                    articles.c.title.label("article_title"), articles.c.url, articles.c.labels)
             .join(articles, articles.c.id == sections.c.article_id)
             .order_by(articles.c.id, sections.c.position))
    if language:
        query = query.where(articles.c.language == language)
    for row in connection.execute(query):
        if row.analysis == ANALYSIS_VERSION:
            title_terms = tuple(row.title_terms.split())
            body_terms = tuple(row.body_terms.split())
            sentences = tuple((s, tuple(t)) for s, t in json.loads(row.sentence_terms))
        else:
            heading = "" if row.heading == row.article_title else row.heading
            labels = json.loads(row.labels or "[]")
            title_terms = tuple(search_terms("\n".join([row.article_title, heading, *labels]),
                                             row.language))
            body_terms = tuple(search_terms(row.text, row.language))
            sentences = tuple(
                (sentence, tuple(search_terms(sentence, row.language)))
                for sentence in Section(row.position, row.heading, row.anchor,
                                        row.text).sentences())
        # A store imported before sections kept their meaning: made now, until a re-import.
        vector = (meaning.from_bytes(row.meaning) if row.meaning is not None else
                  meaning.meanings([meaning.section_text(row.article_title, row.heading,
                                                         row.text)])[0])
        yield StoredSection(row.id, row.source, row.external_id, row.language,
                            row.article_title, row.url, row.heading, row.anchor, row.text,
                            title_terms, body_terms, sentences, vector)


def load_articles(connection: Connection) -> List[StoredArticle]:
    return [StoredArticle(row.source, row.external_id, row.language, row.title, row.url,
                          row.body, row.body_format)
            for row in connection.execute(
                select(articles.c.source, articles.c.external_id, articles.c.language,
                       articles.c.title, articles.c.url, articles.c.body, articles.c.body_format)
                .order_by(articles.c.source, articles.c.external_id, articles.c.language))]


def sources(connection: Connection) -> Dict[str, int]:
    """Each source with its number of article versions."""
    return {row.source: row.n for row in connection.execute(
        select(articles.c.source, func.count().label("n")).group_by(articles.c.source))}


@dataclass(frozen=True)
class Suggested:
    """One suggested section, as the suggestion log keeps it."""

    source: str
    external_id: str
    anchor: str
    score: float


def record_suggestions(engine: Engine, question: str, language: str,
                       suggested: Iterable[Suggested], at: Optional[float] = None,
                       conversation_id: Optional[str] = None,
                       user_id: Optional[str] = None) -> None:
    """Logs what was suggested for a question in a conversation (of a signed-in user: their
    id); nothing suggested is logged as such."""
    when = time.time() if at is None else at
    asked = {"at": when, "language": language, "question": question,
             "conversation_id": conversation_id, "user_id": user_id}
    rows = [{**asked, "source": s.source, "external_id": s.external_id, "anchor": s.anchor,
             "rank": rank, "score": s.score}
            for rank, s in enumerate(suggested, start=1)]
    if not rows:
        rows = [{**asked, "source": None, "external_id": None, "anchor": None, "rank": None,
                 "score": None}]
    with engine.begin() as connection:
        connection.execute(insert(suggestions), rows)


def _of_user(user_id: str, conversation_ids: Sequence[str]) -> ColumnElement:
    held = suggestions.c.user_id == user_id
    return or_(held, suggestions.c.conversation_id.in_(list(conversation_ids))) \
        if conversation_ids else held


def suggestions_of(engine: Engine, user_id: str, conversation_ids: Sequence[str] = ()
                   ) -> List[Dict[str, object]]:
    """The logged questions of a user (by their id, or their conversations'), oldest first,
    for `bolt privacy export`."""
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(
            select(suggestions).where(_of_user(user_id, conversation_ids))
            .order_by(suggestions.c.at, suggestions.c.id))]


def erase_suggestions(engine: Engine, user_id: str, conversation_ids: Sequence[str] = ()
                      ) -> int:
    """Deletes the logged questions of a user (by their id, or their conversations')."""
    with engine.begin() as connection:
        return connection.execute(
            delete(suggestions).where(_of_user(user_id, conversation_ids))).rowcount or 0


def suggestions_before(engine: Engine, cutoff: float) -> int:
    """How many logged questions are older than `cutoff` (seconds since the epoch)."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(suggestions)
                                  .where(suggestions.c.at < cutoff)).scalar() or 0


def forget_suggestions_before(engine: Engine, cutoff: float) -> int:
    """Deletes the logged questions older than `cutoff`, for the retention sweep."""
    with engine.begin() as connection:
        return connection.execute(
            delete(suggestions).where(suggestions.c.at < cutoff)).rowcount or 0
