"""The audit log's table, reached only from here: entries are added and read, and deleted only
once older than the audit retention (handoff/services/audit.py says what is recorded)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection

from handoff.store.schema import AuditEntry

TABLE = AuditEntry.__table__


def add(connection: Connection, at: datetime, actor: str, action: str,
        details: Mapping[str, Any], origin: str) -> None:
    connection.execute(insert(TABLE).values(at=at, actor=actor, action=action,
                                            details=dict(details), origin=origin))


def read(connection: Connection, since: Optional[datetime] = None, actor: Optional[str] = None,
         action: Optional[str] = None, limit: int = 100,
         before: Optional[int] = None) -> List[Dict[str, Any]]:
    """The newest entries first, older than the entry numbered `before` if given. `action`
    matches a whole name or, ending in ".", a family ("agent." matches every agent.* action)."""
    query = select(TABLE)
    if before is not None:
        query = query.where(TABLE.c.id < before)
    if since is not None:
        query = query.where(TABLE.c.at >= since)
    if actor:
        query = query.where(TABLE.c.actor == actor)
    if action:
        query = query.where(TABLE.c.action.startswith(action, autoescape=True)
                            if action.endswith(".") else TABLE.c.action == action)
    rows = connection.execute(query.order_by(TABLE.c.id.desc()).limit(limit)).mappings()
    return [{"id": row["id"], "at": row["at"].isoformat() + "Z", "actor": row["actor"],
             "action": row["action"], "details": row["details"], "origin": row["origin"]}
            for row in rows]


def latest(connection: Connection, action: str) -> Optional[Dict[str, Any]]:
    found = read(connection, action=action, limit=1)
    return found[0] if found else None


def count_before(connection: Connection, cutoff: datetime) -> int:
    return connection.execute(
        select(func.count()).select_from(TABLE).where(TABLE.c.at < cutoff)).scalar_one()


def delete_before(connection: Connection, cutoff: datetime) -> int:
    """The audit log's own retention: the only delete of its entries."""
    return connection.execute(delete(TABLE).where(TABLE.c.at < cutoff)).rowcount
