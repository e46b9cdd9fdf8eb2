"""On SQLite, the database numbers each conversation's events: an event must be the next after
the conversation's `last_seq`, and inserting it moves `last_seq` on.

So a group of messages is one INSERT, committed on its own (handoff/store/writer.py), instead of
an UPDATE of the conversations, the INSERT and a COMMIT: every statement SQLite's driver runs
lets go of the GIL and then waits for the hub's busy event loop to give it back. The check
keeps what the conditional UPDATE kept: an event numbered from a state read before another
write moved the conversation on is refused (the whole statement), not stored out of turn.

PostgreSQL (several hubs) keeps the hubs' conditional UPDATE under its row locks: nothing here.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# The message handoff/store/appends.py recognises as "changed elsewhere".
OUT_OF_TURN = "event out of turn: the conversation moved on"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"""
        CREATE TRIGGER events_in_turn BEFORE INSERT ON events
        WHEN NEW.seq IS NOT (SELECT last_seq + 1 FROM conversations WHERE id = NEW.conversation_id)
        BEGIN SELECT RAISE(ABORT, '{OUT_OF_TURN}'); END""")
    op.execute("""
        CREATE TRIGGER events_move_last_seq AFTER INSERT ON events
        BEGIN UPDATE conversations SET last_seq = NEW.seq WHERE id = NEW.conversation_id; END""")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER events_move_last_seq")
    op.execute("DROP TRIGGER events_in_turn")
