"""Tickets with a life: a ticket's assignee, its e-mail address and the time it last changed;
its thread (ticket_messages); the user's e-mail address from the help center's token on the
conversation; and the outbox of mails waiting to go out (mail_outbox).

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not a batch: SQLite's copy of the table would lose its triggers (migrations 0002, 0005).
    op.add_column("conversations", sa.Column("user_email", sa.String(length=320), nullable=True))
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("email", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key("fk_tickets_assignee_id", "agents", ["assignee_id"], ["id"])
        batch.create_index("ix_tickets_assignee_id", ["assignee_id"])
    op.create_table(
        "ticket_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("speaker", sa.String(length=8), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("agent_name", sa.String(length=256), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "speaker", "client_id",
                            name="uq_ticket_messages_client_id"),
    )
    op.create_index("ix_ticket_messages_ticket_id", "ticket_messages", ["ticket_id"])
    op.create_index("ix_ticket_messages_conversation_id", "ticket_messages", ["conversation_id"])
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mail_outbox_conversation_id", "mail_outbox", ["conversation_id"])
    op.create_index("ix_mail_outbox_created_at", "mail_outbox", ["created_at"])
    op.create_index("ix_mail_outbox_next_attempt_at", "mail_outbox", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("mail_outbox")
    op.drop_table("ticket_messages")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_assignee_id")
        batch.drop_constraint("fk_tickets_assignee_id", type_="foreignkey")
        batch.drop_column("updated_at")
        batch.drop_column("email")
        batch.drop_column("assignee_id")
    op.drop_column("conversations", "user_email")
