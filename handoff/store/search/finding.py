"""The one interface of search (SearchIndex.find) and what it shares between the databases: the
filters, the agent's reach and the grouping by conversation. Each database gives only the
statement that lists the matching events."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import text
from sqlalchemy.engine import Connection

from handoff.store.reach import Reach

# What `status` may filter on: who holds the conversation now, or what came of it.
OWNERS = ("bot", "queue", "agent")
STATUSES = OWNERS + ("resolved", "ticket")


@dataclass(frozen=True)
class Filters:
    language: Optional[str] = None
    priority: Optional[str] = None
    status: Optional[str] = None
    agent_id: Optional[int] = None  # the agent who holds it, or resolved it once
    account_id: Optional[str] = None
    since: Optional[datetime] = None  # started at or after
    until: Optional[datetime] = None  # started before

    def condition(self, alias: str) -> Tuple[str, Dict[str, Any]]:
        parts: List[str] = []
        parameters: Dict[str, Any] = {}
        for column, value in (("language", self.language), ("priority", self.priority),
                              ("account_id", self.account_id)):
            if value is not None:
                parts.append(f"{alias}.{column} = :filter_{column}")
                parameters[f"filter_{column}"] = value
        if self.status in OWNERS:
            parts.append(f"{alias}.owner = :filter_owner")
            parameters["filter_owner"] = self.status
        elif self.status == "resolved":
            parts.append(f"EXISTS (SELECT 1 FROM resolutions r WHERE r.conversation_id = {alias}.id)")
        elif self.status == "ticket":
            parts.append(f"EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = {alias}.id"
                         " AND t.status = 'open')")
        if self.agent_id is not None:
            parts.append(f"({alias}.agent_id = :filter_agent_id OR EXISTS (SELECT 1 FROM "
                         f"resolutions r WHERE r.conversation_id = {alias}.id"
                         " AND r.agent_id = :filter_agent_id))")
            parameters["filter_agent_id"] = self.agent_id
        if self.since is not None:
            parts.append(f"{alias}.created_at >= :filter_since")
            parameters["filter_since"] = self.since
        if self.until is not None:
            parts.append(f"{alias}.created_at < :filter_until")
            parameters["filter_until"] = self.until
        return " AND ".join(parts) or "1 = 1", parameters


@dataclass(frozen=True)
class Hit:
    conversation_id: str
    event_id: int  # its newest matching event
    hits: int  # how many of its events match


@dataclass(frozen=True)
class Found:
    total: int  # conversations found in all
    hits: List[Hit]  # the page asked for, newest first


class SearchIndex:
    """Finds conversations by words, on one kind of database."""

    def matching(self) -> str:
        """A SELECT of `event_id, conversation_id` for the events whose analysed text holds
        every term of the parameter `:terms` (the terms, one space apart)."""
        raise NotImplementedError

    def terms_parameter(self, terms: Sequence[str]) -> str:
        """The parameter `:terms` as the database's statement reads it."""
        return " ".join(terms)

    def find(self, connection: Connection, terms: Sequence[str], filters: Filters,
             reach: Optional[Reach], limit: int, offset: int = 0) -> Found:
        """The conversations with an event holding every term, newest matching event first."""
        if not terms:
            return Found(0, [])
        where, parameters = filters.condition("c")
        if reach is not None:
            within, more = reach.condition("c")
            where, parameters = f"{where} AND {within}", {**parameters, **more}
        statement = text(
            f"SELECT m.conversation_id, max(m.event_id) AS newest, count(*) AS hits,"
            f" count(*) OVER () AS total"
            f" FROM ({self.matching()}) m JOIN conversations c ON c.id = m.conversation_id"
            f" WHERE {where} GROUP BY m.conversation_id"
            f" ORDER BY newest DESC LIMIT :limit OFFSET :offset")
        rows = connection.execute(statement, {
            **parameters, "terms": self.terms_parameter(terms), "limit": limit, "offset": offset}).all()
        if not rows and offset:  # past the last page: the total still counts
            return Found(self._count(connection, where, parameters, terms), [])
        total = rows[0].total if rows else 0
        return Found(total, [Hit(row.conversation_id, row.newest, row.hits) for row in rows])

    def _count(self, connection: Connection, where: str, parameters: Dict[str, Any],
               terms: Sequence[str]) -> int:
        statement = text(
            f"SELECT count(DISTINCT m.conversation_id) FROM ({self.matching()}) m"
            f" JOIN conversations c ON c.id = m.conversation_id WHERE {where}")
        return connection.execute(statement, {**parameters, "terms": self.terms_parameter(terms)}).scalar_one()


def search_index(dialect_name: str) -> SearchIndex:
    if dialect_name == "sqlite":
        from handoff.store.search.sqlite_index import SqliteSearch

        return SqliteSearch()
    if dialect_name == "postgresql":
        from handoff.store.search.postgres_index import PostgresSearch

        return PostgresSearch()
    raise ValueError(f"search needs SQLite or PostgreSQL, not {dialect_name}")
