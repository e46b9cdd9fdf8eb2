"""Full-text search over conversations: the index of every message and note, analysed as the
bot analyses text (handoff/store/search/), filled here from the events already stored and kept
from then on in the transaction that stores each event.

SQLite: the FTS5 table `search_index` (rowid = the event's id), filled by a trigger that calls
the hub's SQL function `bolt_search_terms`, emptied by one on delete. PostgreSQL: the table
`search_entries` with a generated `tsvector` ('simple' configuration over the analysed text)
under a GIN index, its rows deleted with their events.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

from handoff.store.search.sqlite_index import FUNCTION, add_search_function
from handoff.store.search.terms import INDEXED_KINDS, indexed_text_or_nothing

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

KINDS = ", ".join(f"'{kind}'" for kind in INDEXED_KINDS)
BATCH = 1000


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # This connection may come from an engine made elsewhere: it gets the function too.
        add_search_function(bind.connection.dbapi_connection)
        op.execute("CREATE VIRTUAL TABLE search_index USING fts5("
                   "terms, conversation_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')")
        op.execute(f"""
            CREATE TRIGGER events_search_insert AFTER INSERT ON events
            WHEN NEW.text IS NOT NULL AND NEW.kind IN ({KINDS})
            BEGIN
                INSERT INTO search_index (rowid, terms, conversation_id)
                VALUES (NEW.id, {FUNCTION}(NEW.text), NEW.conversation_id);
            END""")
        op.execute("""
            CREATE TRIGGER events_search_delete AFTER DELETE ON events
            BEGIN DELETE FROM search_index WHERE rowid = OLD.id; END""")
        op.execute(f"""
            INSERT INTO search_index (rowid, terms, conversation_id)
            SELECT id, {FUNCTION}(text), conversation_id FROM events
            WHERE text IS NOT NULL AND kind IN ({KINDS})""")
        return
    op.create_table(
        "search_entries",
        sa.Column("event_id", sa.Integer(),
                  sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
    )
    op.execute("ALTER TABLE search_entries ADD COLUMN terms_vector tsvector"
               " GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED")
    events = sa.table("events", sa.column("id"), sa.column("conversation_id"),
                      sa.column("kind"), sa.column("text"))
    entries = sa.table("search_entries", sa.column("event_id"), sa.column("conversation_id"),
                       sa.column("terms"))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(events.c.id, events.c.conversation_id, events.c.text)
            .where(events.c.id > last, events.c.text.is_not(None),
                   events.c.kind.in_(INDEXED_KINDS))
            .order_by(events.c.id).limit(BATCH)).all()
        if not rows:
            break
        bind.execute(entries.insert(), [
            {"event_id": row.id, "conversation_id": row.conversation_id,
             "terms": indexed_text_or_nothing(row.text)} for row in rows])
        last = rows[-1].id
    op.execute("CREATE INDEX ix_search_entries_terms ON search_entries USING gin (terms_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER events_search_delete")
        op.execute("DROP TRIGGER events_search_insert")
        op.execute("DROP TABLE search_index")
        return
    op.drop_table("search_entries")
