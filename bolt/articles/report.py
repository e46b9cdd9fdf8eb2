"""`bolt articles report`: from the suggestion log, the articles never suggested and the
questions that got no article, for editors deciding what to write next."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import List, Optional

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from bolt.articles.store import articles, suggestions


@dataclass(frozen=True)
class Unsuggested:
    language: str
    title: str
    url: str


@dataclass(frozen=True)
class Unanswered:
    language: str
    text: str
    times: int


@dataclass(frozen=True)
class Report:
    questions: int
    suggested: int
    never_suggested: List[Unsuggested]
    unanswered: List[Unanswered]


def suggestion_report(engine: Engine, days: float, now: Optional[float] = None) -> Report:
    since = (time.time() if now is None else now) - days * 86400
    recent = suggestions.c.at >= since
    with engine.connect() as connection:
        asked = connection.execute(select(
            func.count(func.distinct(suggestions.c.language + "\n" + suggestions.c.question)))
            .where(recent)).scalar() or 0
        with_article = connection.execute(select(
            func.count(func.distinct(suggestions.c.language + "\n" + suggestions.c.question)))
            .where(recent, suggestions.c.external_id.isnot(None))).scalar() or 0
        suggested = (select(suggestions.c.id)
                     .where(recent, suggestions.c.source == articles.c.source,
                            suggestions.c.external_id == articles.c.external_id,
                            suggestions.c.language == articles.c.language)
                     .exists())
        never = [Unsuggested(row.language, row.title, row.url) for row in connection.execute(
            select(articles.c.language, articles.c.title, articles.c.url)
            .where(~suggested).order_by(articles.c.language, articles.c.title))]
        times = func.count().label("times")
        unanswered = [Unanswered(row.language, row.question, row.times)
                      for row in connection.execute(
                          select(suggestions.c.language, suggestions.c.question, times)
                          .where(and_(recent, suggestions.c.external_id.is_(None)))
                          .group_by(suggestions.c.language, suggestions.c.question)
                          .order_by(times.desc(), suggestions.c.language,
                                    suggestions.c.question))]
    return Report(asked, with_article, never, unanswered)
