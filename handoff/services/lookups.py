"""What agents look up beyond the chats in front of them: the customer's earlier conversations
and tickets, the read-only transcript of one, and search over all conversations.

Who sees what follows the agent rights (docs/protocol.md, "Agent rights"): an agent who is not
a supervisor reaches the chats they hold and those waiting in their languages, and every
conversation of those chats' signed-in customers (handoff/store/reach.py); a supervisor reaches
all, and a supervisor's read of a transcript beyond that is recorded in the audit log, as a read
of a chat is. What is out of reach is answered as what does not exist.

Searches run off the event loop, in a thread: the other sockets are served meanwhile.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Optional

from sqlalchemy import select
from sqlalchemy.engine import Connection

from handoff.services.audit import CHAT_VIEWED, Audit, agent_actor
from handoff.store import customer_records
from handoff.store.reach import Reach
from handoff.store.repository import Repository
from handoff.store.schema import Agent, Conversation
from handoff.store.search import Filters, search_index
from handoff.store.search.snippets import snippet
from handoff.store.search.terms import terms
from handoff.wire.protocol import Frame, ProtocolError

PAGE_SIZE = 20
MOST_PAGES = 50
CONVERSATIONS = Conversation.__table__


def forbidden() -> ProtocolError:
    return ProtocolError("forbidden", "you may not read that conversation",
                         field="conversation_id")


def reach_of(agent: Agent) -> Optional[Reach]:
    return None if agent.supervisor else Reach(agent.id, agent.language_set)


class Lookups:
    def __init__(self, repository: Repository, audit: Audit, page_size: int = PAGE_SIZE) -> None:
        self.repository = repository
        self.audit = audit
        self.page_size = page_size
        self.index = search_index(repository.engine.dialect.name)

    # --- one customer ------------------------------------------------------------------------

    def _readable(self, connection: Connection, agent: Agent, conversation_id: str) -> Any:
        """The conversation's row if the agent may read it (else `forbidden`), and whether it is
        within reach of an agent's rights (False: only a supervisor's)."""
        row = connection.execute(select(CONVERSATIONS.c.id, CONVERSATIONS.c.user_id,
                                        CONVERSATIONS.c.owner)
                                 .where(CONVERSATIONS.c.id == conversation_id)).first()
        if row is None:
            raise forbidden()
        within = Reach(agent.id, agent.language_set).covers(connection, conversation_id)
        if not within and not agent.supervisor:
            raise forbidden()
        return row, within

    def customer_history(self, agent: Agent, conversation_id: str) -> Dict[str, Any]:
        """The other conversations of the conversation's signed-in user, newest first, each with
        its ticket; none for an anonymous visitor (they are known only within this one)."""
        with self.repository.engine.connect() as connection:
            row, _ = self._readable(connection, agent, conversation_id)
            ids = ([] if row.user_id is None else
                   customer_records.customer_conversations(connection, row.user_id,
                                                           conversation_id))
            found = customer_records.records(connection, ids)
        return {"type": "customer_history", "conversation_id": conversation_id,
                "anonymous": row.user_id is None,
                "conversations": [found[cid] for cid in ids if cid in found]}

    def transcript(self, agent: Agent, conversation_id: str,
                   origin: Optional[str] = None) -> Dict[str, Any]:
        """A conversation's record and every event of it, notes included, to read only."""
        with self.repository.engine.connect() as connection:
            row, within = self._readable(connection, agent, conversation_id)
            record = customer_records.records(connection, [conversation_id])[conversation_id]
            events = customer_records.transcript(connection, conversation_id)
        if not within:
            self.audit.record(agent_actor(agent.name, origin), CHAT_VIEWED,
                              conversation_id=conversation_id, owner=row.owner)
        return {"type": "transcript", "conversation": record, "events": events}

    # --- search ----------------------------------------------------------------------------------

    async def search(self, agent: Agent, frame: Frame) -> Dict[str, Any]:
        query_terms = terms(frame["query"])
        if not query_terms:
            raise ProtocolError("invalid_field", "'query' has no words to search for",
                                field="query")
        page = frame.get("page", 1)
        if not 1 <= page <= MOST_PAGES:
            raise ProtocolError("invalid_field", f"'page' must be from 1 to {MOST_PAGES}",
                                field="page")
        filters = self._filters(frame)
        loop = asyncio.get_running_loop()
        results, total = await loop.run_in_executor(
            None, self._search, list(query_terms), filters, reach_of(agent), page)
        return {"type": "search_results", "query": frame["query"], "page": page,
                "page_size": self.page_size, "total": total, "results": results}

    def _search(self, query_terms: list, filters: Filters, reach: Optional[Reach],
                page: int) -> tuple:
        with self.repository.engine.connect() as connection:
            found = self.index.find(connection, query_terms, filters, reach, self.page_size,
                                    (page - 1) * self.page_size)
            found_records = customer_records.records(
                connection, [hit.conversation_id for hit in found.hits])
            events = customer_records.found_events(connection,
                                                   [hit.event_id for hit in found.hits])
        results = []
        for hit in found.hits:
            record, event = found_records.get(hit.conversation_id), events.get(hit.event_id)
            if record is None or event is None:  # deleted between the two reads
                continue
            text = event.pop("text")
            event["snippet"] = snippet(text, query_terms)
            results.append({**record, "hits": hit.hits, "match": event})
        return results, found.total

    def _filters(self, frame: Frame) -> Filters:
        agent_id = None
        if frame.get("agent"):
            named = self.repository.agent_by_name(frame["agent"])
            agent_id = named.id if named is not None else -1  # nobody's: nothing found
        return Filters(language=frame.get("language"), priority=frame.get("priority"),
                       status=frame.get("status"), agent_id=agent_id,
                       account_id=frame.get("account"),
                       since=moment(frame, "since"), until=moment(frame, "until"))


def moment(frame: Frame, name: str) -> Optional[datetime]:
    """An ISO date or time of the frame, as naive UTC; a date alone as `until` takes in its
    whole day."""
    value = frame.get(name)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.removesuffix("Z"))
    except ValueError:
        raise ProtocolError("invalid_field", f"'{name}' must be an ISO date or time",
                            field=name) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    if name == "until" and len(value) == len("2026-12-31"):
        parsed += timedelta(days=1)
    return parsed
