"""The daily aggregates hold what the reports count: conversations contained by Bolt (confirmed by
a "helpful" or assumed), Bolt's answers and abstentions, ratings of answers, hand-offs, waits,
first responses and resolutions with their seconds, first-response targets met per priority, and
the users' ratings of agents' chats (CSAT). Counts only: nobody in them.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Written here as this revision adds them, whatever later revisions add.
COUNTS = ("contained", "contained_confirmed", "bot_answers", "abstained", "rated_answers",
          "not_helpful", "handed_off_conversations", "handoffs", "assigned", "answered",
          "resolved_by_timeout", "transferred",
          "targeted_p1", "targeted_p2", "targeted_p3", "targeted_p4",
          "within_target_p1", "within_target_p2", "within_target_p3", "within_target_p4",
          "csat_asked", "csat_responses", "csat_score_sum", "csat_satisfied")
SECONDS = ("queue_seconds", "first_response_seconds", "resolution_seconds")


def upgrade() -> None:
    with op.batch_alter_table("daily_counts") as batch:
        for name in COUNTS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        for name in SECONDS:
            batch.add_column(sa.Column(name, sa.Float(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("daily_counts") as batch:
        for name in COUNTS + SECONDS:
            batch.drop_column(name)
