"""Who asks a conversation's bot turn and until when (a lease: one hub at a time asks Rasa for a
conversation's user messages), the last user message the bot has taken its turn on and the last
said to it, so that
a message stored and acknowledged by a hub that died before Rasa's reply is asked again by
another (handoff/services/bot_leases.py). No personal data: a hub's random token, a time and a
sequence number.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not a batch: SQLite's copy of the table would lose its triggers (migrations 0002, 0005).
    op.add_column("conversations", sa.Column("bot_turn_seq", sa.Integer(), nullable=False,
                                             server_default="0"))
    op.add_column("conversations", sa.Column("bot_turn_by", sa.String(length=64),
                                             nullable=True))
    op.add_column("conversations", sa.Column("bot_turn_until", sa.DateTime(), nullable=True))
    op.add_column("conversations", sa.Column("bot_said_seq", sa.Integer(), nullable=False,
                                             server_default="0"))
    # What was said before the upgrade is not asked again.
    op.execute("UPDATE conversations SET bot_turn_seq = last_seq, bot_said_seq = last_seq")


def downgrade() -> None:
    for column in ("bot_said_seq", "bot_turn_until", "bot_turn_by", "bot_turn_seq"):
        op.drop_column("conversations", column)
