"""The help center's articles at the agents' desk: any signed-in agent searches the article store
Bolt suggests from (bolt/articles, BOLT_ARTICLES_URL), and sends a section to a user of a chat
they hold, as the same card Bolt shows (docs/protocol.md, "Article cards").

Each hub's retention job also deletes the questions of the store's suggestion log once they are
older than BOLT_RETENTION_DAYS. The store is opened at the first use once it exists (the hub creates none), and searched off
the event loop: the first search of a process builds the index (seconds for thousands of
sections), later ones take milliseconds.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any, Awaitable, Dict, List, Optional

from bolt.articles import store
from bolt.articles.search import ArticleSearch, SearchOnceStored, Suggestion
from bolt.core import logs
from handoff.rules.ownership import Owner
from handoff.services.desk import not_yours
from handoff.services.timeline import Timeline
from handoff.store.repository import Conflict, NotFound
from handoff.store.schema import Agent
from handoff.wire.protocol import Frame, ProtocolError

log = logs.get_logger(__name__)

# Agents judge the sections themselves: more than Bolt shows, and those under the relevance floor
# too (marked), best first.
AGENT_RESULTS = 8


class Articles:
    def __init__(self, url: str, timeline: Timeline) -> None:
        self.stored = SearchOnceStored(url)
        self.timeline = timeline

    def _opened(self) -> Optional[ArticleSearch]:
        return self.stored.opened()

    def _ranked(self, query: str, language: str) -> List[Dict[str, Any]]:
        search = self._opened()
        if search is None:
            return []
        return [{**s.card(), "score": s.score, "under_floor": s.score < search.floor(language)}
                for s in search.ranked(query, language, AGENT_RESULTS)]

    def _section(self, frame: Frame) -> Optional[Suggestion]:
        search = self._opened()
        if search is None:
            return None
        return search.find(frame["source"], frame["article_id"], frame["anchor"],
                           frame["language"])

    def forget_questions(self, retention_days: float) -> int:
        """The retention sweep of the suggestion log, which holds users' questions: those older
        than `retention_days` are deleted (docs/privacy.md)."""
        search = self._opened()
        if search is None:
            return 0
        return store.forget_suggestions_before(search.engine,
                                               time.time() - retention_days * 86400)

    async def find(self, query: str, language: str) -> Dict[str, Any]:
        """The `articles` answer: the sections for `query` in `language`, best first."""
        found = await asyncio.get_running_loop().run_in_executor(
            None, self._ranked, query, language)
        return {"type": "articles", "query": query, "language": language, "articles": found}

    async def send(self, agent: Agent, frame: Frame) -> Dict[str, Any]:
        """Stores the section as the agent's message in a chat they hold; the ack once stored."""
        section = await asyncio.get_running_loop().run_in_executor(None, self._section, frame)
        if section is None:
            raise ProtocolError("not_found", "no such article section in the article store",
                                field="article_id")
        card = section.card()
        text = f"{section.title}: {section.url}"
        storing: Awaitable[Any] = self.timeline.relay(
            frame["conversation_id"], "message", "agent", text=text,
            data={"custom": {"intro": "", "articles": [card]}},
            agent_name=agent.display_name,
            client_id=f"agent:{agent.id}:{frame['client_id']}",
            expect={"owner": Owner.AGENT.value, "agent_id": agent.id})
        try:
            stored = await storing
        except (Conflict, NotFound):
            raise not_yours() from None
        log.info("article.sent", source=section.source, article=section.external_id)
        return {"type": "ack", "conversation_id": frame["conversation_id"],
                "client_id": frame["client_id"], "seq": stored.seq,
                "duplicate": stored.duplicate}
