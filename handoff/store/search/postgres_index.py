"""Search on PostgreSQL: the table `search_entries` (migration 0005), one row per message or
note with its analysed text and a `tsvector` of it in the 'simple' configuration (the analysis
is done already: no stemming or stop words of PostgreSQL's), under a GIN index. The rows are
written by the transaction that stores their events (`index_events`) and deleted with them
(ON DELETE CASCADE)."""
from __future__ import annotations

from typing import Any, Dict, List, Sequence

from sqlalchemy.engine import Connection

from handoff.store.search.finding import SearchIndex
from handoff.store.search.terms import INDEXED_KINDS, indexed_text_or_nothing

# Each statement holds fewer than 999 parameters, as the events' own INSERT does.
ROWS_PER_INSERT = 999 // 3


class PostgresSearch(SearchIndex):
    def matching(self) -> str:
        return ("SELECT event_id, conversation_id FROM search_entries"
                " WHERE terms_vector @@ plainto_tsquery('simple', :terms)")


def index_events(connection: Connection, rows: Sequence[Dict[str, Any]]) -> None:
    """The search rows of events just inserted in this transaction (each row the event's
    columns), found by their conversation and number."""
    entries: List[tuple] = [
        (row["conversation_id"], row["seq"], indexed_text_or_nothing(row["text"]))
        for row in rows if row["kind"] in INDEXED_KINDS and row["text"]]
    for start in range(0, len(entries), ROWS_PER_INSERT):
        chunk = entries[start:start + ROWS_PER_INSERT]
        values = ", ".join(["(%s, %s, %s)"] * len(chunk))
        connection.exec_driver_sql(
            "INSERT INTO search_entries (event_id, conversation_id, terms)"
            " SELECT e.id, e.conversation_id, v.terms"
            f" FROM (VALUES {values}) AS v (conversation_id, seq, terms)"
            " JOIN events e ON e.conversation_id = v.conversation_id AND e.seq = v.seq::integer",
            tuple(value for entry in chunk for value in entry))
