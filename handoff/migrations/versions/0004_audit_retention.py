"""An audit log of who did what (added to, never changed: the database refuses an UPDATE of it),
daily counts that outlive the conversations they count, and the indexes the retention job reads
by (docs/privacy.md).

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# What the database answers an UPDATE of the audit log with.
APPEND_ONLY = "the audit log is append-only"


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "daily_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in (
            "conversations", "user_messages", "bot_messages", "agent_messages", "handed_off",
            "agent_chats", "resolved")),
        sa.Column("handle_seconds", sa.Float(), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "language"),
    )
    op.create_index("ix_conversations_created_at", "conversations", ["created_at"])
    op.create_index("ix_resolutions_conversation_id", "resolutions", ["conversation_id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"""
            CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""")
    else:
        op.execute(f"""
            CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$ LANGUAGE plpgsql""")
        op.execute("""
            CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
            FOR EACH ROW EXECUTE PROCEDURE audit_log_append_only()""")


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_log_append_only" if op.get_bind().dialect.name == "sqlite"
               else "DROP TRIGGER audit_log_append_only ON audit_log")
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION audit_log_append_only()")
    op.drop_index("ix_resolutions_conversation_id", table_name="resolutions")
    op.drop_index("ix_conversations_created_at", table_name="conversations")
    op.drop_table("daily_counts")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
