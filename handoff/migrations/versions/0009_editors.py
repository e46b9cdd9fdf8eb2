"""Editors and the review inbox: an agent account may be an editor (reviews the questions Bolt
missed and changes what it knows), and what an editor did with each missed question is kept
with its conversation (dismissed, added to a topic, made a new topic, answered live).

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("editor", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "review_marks",
        sa.Column("conversation_id", sa.String(64), sa.ForeignKey("conversations.id"),
                  primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(128), nullable=True),
        sa.Column("editor", sa.String(128), nullable=False),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("review_marks")
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("editor")
