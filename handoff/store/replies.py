"""The replies' table: shared replies (no agent) and each agent's own, per language
(handoff/services/replies.py says who may change which)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from handoff.store.schema import Reply

TABLE = Reply.__table__


def card(row: Mapping[str, Any]) -> Dict[str, Any]:
    """A reply as the console gets it."""
    return {"reply_id": row["id"], "language": row["language"], "code": row["code"],
            "text": row["text"], "shared": row["agent_id"] is None,
            "updated_at": row["updated_at"].isoformat() + "Z", "updated_by": row["updated_by"]}


def visible(connection: Connection, language: str, agent_id: int) -> List[Dict[str, Any]]:
    """The shared replies of a language and the agent's own, by code (shared first on a tie)."""
    query = (select(TABLE).where(TABLE.c.language == language,
                                 or_(TABLE.c.agent_id.is_(None), TABLE.c.agent_id == agent_id))
             .order_by(TABLE.c.code, TABLE.c.agent_id.is_not(None), TABLE.c.id))
    return [card(row) for row in connection.execute(query).mappings()]


def one(connection: Connection, reply_id: int) -> Optional[Dict[str, Any]]:
    """The row itself (with its agent_id), or None."""
    row = connection.execute(select(TABLE).where(TABLE.c.id == reply_id)).mappings().first()
    return dict(row) if row is not None else None


def count(connection: Connection, language: str, agent_id: Optional[int]) -> int:
    owner = TABLE.c.agent_id.is_(None) if agent_id is None else TABLE.c.agent_id == agent_id
    return connection.execute(select(func.count()).select_from(TABLE).where(
        TABLE.c.language == language, owner)).scalar_one()


def add(connection: Connection, agent_id: Optional[int], language: str, code: str, text: str,
        at: datetime, by: str) -> Dict[str, Any]:
    """Raises IntegrityError when the code is taken (among the shared, or the agent's own)."""
    reply_id = connection.execute(insert(TABLE).values(
        agent_id=agent_id, language=language, code=code, text=text, updated_at=at,
        updated_by=by)).inserted_primary_key[0]
    return one(connection, reply_id)


def change(connection: Connection, reply_id: int, code: str, text: str, at: datetime,
           by: str) -> Optional[Dict[str, Any]]:
    """The reply as changed, or None when it is gone (deleted meanwhile)."""
    connection.execute(update(TABLE).where(TABLE.c.id == reply_id).values(
        code=code, text=text, updated_at=at, updated_by=by))
    return one(connection, reply_id)


def remove(connection: Connection, reply_id: int) -> None:
    connection.execute(delete(TABLE).where(TABLE.c.id == reply_id))
