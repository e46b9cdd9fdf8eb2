"""Full-text search over the hub's conversations, in all six languages, behind one interface:
SQLite's FTS5 in the embedded default, PostgreSQL's full-text search in the scale-out mode.

Both index the same analysed text (terms.py: the shared core's words, Japanese segmented with
Janome), one row per message or note, kept in the transaction that stores the event and deleted
with it (migration 0005):

- SQLite: the FTS5 table `search_index` (rowid = the event's id), filled by a trigger on
  `events` that calls the analysis as the SQL function `bolt_search_terms`, which every
  connection of the hub's engine has (handoff/store/database.py). A group of messages stays the
  one INSERT it was (handoff/store/appends.py).
- PostgreSQL: the table `search_entries` with a `tsvector` of the 'simple' configuration over
  the analysed text and a GIN index on it, filled by the appends' transaction itself, its rows
  deleted with their events (ON DELETE CASCADE).

A search finds conversations, newest matching message first, one row per conversation with its
number of matching messages, the filters and the agent's reach (handoff/store/reach.py) applied
in the same statement.
"""
from __future__ import annotations

from handoff.store.search.finding import Filters, Found, Hit, SearchIndex, search_index

__all__ = ["Filters", "Found", "Hit", "SearchIndex", "TABLES", "search_index"]

# The index's tables, made by the migration and not by the models (handoff/store/schema.py):
# SQLite's FTS5 table with the tables it keeps its index in, and PostgreSQL's.
TABLES = frozenset({"search_index", "search_index_data", "search_index_idx",
                    "search_index_content", "search_index_docsize", "search_index_config",
                    "search_entries"})
