"""Search on SQLite: the FTS5 table `search_index` (migration 0005), one row per message or
note, its rowid the event's id, filled and emptied by triggers on `events`. The insert trigger
analyses the text with `bolt_search_terms`, the SQL function every connection of the hub's
engine is given (`add_search_function`)."""
from __future__ import annotations

from typing import Any, Sequence

from handoff.store.search.finding import SearchIndex
from handoff.store.search.terms import indexed_text_or_nothing

FUNCTION = "bolt_search_terms"


def add_search_function(dbapi_connection: Any) -> None:
    """Gives an sqlite3 connection the analysis the index's trigger calls."""
    dbapi_connection.create_function(FUNCTION, 1, _analysed, deterministic=True)


def _analysed(text: Any) -> str:
    return indexed_text_or_nothing(text) if isinstance(text, str) else ""


class SqliteSearch(SearchIndex):
    def matching(self) -> str:
        return ("SELECT rowid AS event_id, conversation_id FROM search_index"
                " WHERE search_index MATCH :terms")

    def terms_parameter(self, terms: Sequence[str]) -> str:
        # Each term a string of its own: FTS5 reads a bare AND, OR, NOT or NEAR as an operator.
        return " ".join(f'"{term}"' for term in terms)
