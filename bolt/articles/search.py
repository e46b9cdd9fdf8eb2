"""Suggesting sections for a question: `suggest(question, language, limit)`.

The hub and the action server call `suggest` (the action server when Bolt abstains, with the
NLU's label: a message it labels "not ours" gets nothing); it returns up to `limit` sections of
the user's language, best first, each with its article's title, its link (url#anchor), the sentence that
best matches the question and its score, or nothing when no section reaches the language's
relevance floor (bolt/articles/relevance_floor.json, calibrated, never set by hand). The index is built from
the store once, and built again when the store's generation number changed: the number is read
at most once every CHECK_EVERY seconds, so a running server sees an import within that time.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Union

from sqlalchemy.engine import Engine

from bolt.articles import store
from bolt.articles.floor import load_floor
from bolt.articles.index import Hit, LanguageIndex
from bolt.core.meaning import meanings
from bolt.articles.settings import articles_url
from bolt.core.languages import SUPPORTED_LANGUAGES
from bolt.core.search_terms import search_terms

CHECK_EVERY = 1.0
DEFAULT_LIMIT = 3
# The NLU's label for a message that is not about the product at all ("not ours": alarms, the
# weather, another company's service). Words such as "cancel my subscription" match articles
# however well the floor is set; the classifier, which reads the whole message, knows better.
NOT_OURS = "out_of_scope"


@dataclass(frozen=True)
class Suggestion:
    title: str  # the article's title
    heading: str  # the section's heading (the title, for an article's opening section)
    url: str  # the section's link: the article's URL with the section's anchor
    snippet: str  # the section's sentence that best matches the question
    score: float
    source: str
    external_id: str
    anchor: str
    language: str

    def logged(self) -> store.Suggested:
        return store.Suggested(self.source, self.external_id, self.anchor, self.score)

    def card(self) -> Dict[str, str]:
        """The suggestion as a conversation carries it (docs/protocol.md, article cards)."""
        return {"title": self.title, "heading": self.heading, "snippet": self.snippet,
                "url": self.url, "source": self.source, "article_id": self.external_id,
                "anchor": self.anchor, "language": self.language}


class ArticleSearch:
    """The sections of the store, indexed per language, kept in step with the store."""

    def __init__(self, engine: Engine, floor: Union[float, Mapping[str, float]],
                 check_every: float = CHECK_EVERY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """`floor`: one per language (a language left out gets the highest), or one for all."""
        self.engine = engine
        self.floors: Dict[str, float] = (
            dict(floor) if isinstance(floor, Mapping)
            else {language: float(floor) for language in SUPPORTED_LANGUAGES})
        self.check_every = check_every
        self.clock = clock
        self._lock = threading.Lock()
        self._indexes: Dict[str, LanguageIndex] = {}
        self._generation: Optional[int] = None
        self._checked = float("-inf")

    @property
    def generation(self) -> Optional[int]:
        return self._generation

    def refresh(self, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self._checked < self.check_every:
            return
        with self._lock:
            self._checked = now
            with self.engine.connect() as connection:
                current = store.generation(connection)
                if current == self._generation and not force:
                    return
                by_language: Dict[str, List[store.StoredSection]] = {}
                for section in store.load_sections(connection):
                    by_language.setdefault(section.language, []).append(section)
            self._indexes = {language: LanguageIndex(found)
                             for language, found in by_language.items()}
            self._generation = current

    def floor(self, language: str) -> float:
        return self.floors.get(language, max(self.floors.values(), default=0.0))

    def sections(self, language: str) -> int:
        self.refresh()
        index = self._indexes.get(language)
        return len(index) if index else 0

    def ranked(self, question: str, language: str, limit: int = DEFAULT_LIMIT
               ) -> List[Suggestion]:
        """The best sections whatever their score (for editors); `search` applies the floor."""
        if language not in SUPPORTED_LANGUAGES:
            raise ValueError(f"{language!r} is not one of Bolt's languages")
        self.refresh()
        index = self._indexes.get(language)
        if index is None or limit < 1:
            return []
        terms = search_terms(question, language)
        if not terms:
            return []
        hits = index.rank(terms, meanings([question])[0], limit)
        return [_suggestion(hit, index) for hit in hits]

    def search(self, question: str, language: str, limit: int = DEFAULT_LIMIT
               ) -> List[Suggestion]:
        floor = self.floor(language)
        return [s for s in self.ranked(question, language, limit) if s.score >= floor]

    def find(self, source: str, external_id: str, anchor: str, language: str
             ) -> Optional[Suggestion]:
        """One section by its article and anchor, its first sentence as the snippet (an agent
        sends it to a user), or None when the store no longer has it."""
        self.refresh()
        index = self._indexes.get(language)
        for section in index.sections if index else ():
            if (section.source, section.external_id, section.anchor) == (
                    source, external_id, anchor):
                return Suggestion(
                    title=section.article_title, heading=section.heading, url=section.link,
                    snippet=section.sentences[0][0] if section.sentences else "", score=0.0,
                    source=section.source, external_id=section.external_id,
                    anchor=section.anchor, language=section.language)
        return None


def _suggestion(hit: Hit, index: LanguageIndex) -> Suggestion:
    section = hit.section
    return Suggestion(
        title=section.article_title, heading=section.heading, url=section.link,
        snippet=best_sentence(section.sentences, hit.matched, index.idf),
        score=round(hit.score, 4), source=section.source, external_id=section.external_id,
        anchor=section.anchor, language=section.language)


def best_sentence(sentences: Sequence[tuple], matched: Sequence[str],
                  idf: Callable[[str], float]) -> str:
    """The sentence holding the most of the question (terms weighed by idf); the first one
    when none holds any."""
    if not sentences:
        return ""
    wanted = set(matched)
    best, best_weight = sentences[0][0], 0.0
    for sentence, terms in sentences:
        weight = sum(idf(term) for term in wanted.intersection(terms))
        if weight > best_weight:
            best, best_weight = sentence, weight
    return best


class SearchOnceStored:
    """The search over the article store at `url`, opened the first time that store exists: a
    server started before the first import finds the articles once they are imported, and
    makes no empty store of its own."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._search: Optional[ArticleSearch] = None
        self._lock = threading.Lock()

    def opened(self) -> Optional[ArticleSearch]:
        with self._lock:
            if self._search is None:
                engine = store.existing_store(self.url)
                if engine is not None:
                    self._search = ArticleSearch(engine, load_floor().floors)
            return self._search


_default: Optional[ArticleSearch] = None
_default_lock = threading.Lock()


def default_search() -> ArticleSearch:
    """The process's search over the store named by the settings, opened on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = ArticleSearch(store.open_engine(articles_url()),
                                     load_floor().floors)
        return _default


def suggest(question: str, language: str, limit: int = DEFAULT_LIMIT,
            intent: Optional[str] = None) -> List[Suggestion]:
    """Up to `limit` sections that answer the question, best first; none under the floor, and
    none for a message the NLU labelled `intent` NOT_OURS."""
    if intent == NOT_OURS:
        return []
    return default_search().search(question, language, limit)
