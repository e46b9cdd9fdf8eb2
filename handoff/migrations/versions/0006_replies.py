"""Shared and personal replies: canned texts agents insert by a short code, kept by the hub per
language; a shared one (no agent) is everyone's, a personal one its agent's alone and gone with
them. Seeded with the replies every agent started with in each language.

Revision ID: 0006
Revises: 0005
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

SEEDED_BY = "bolt"
# The starting set: written here, as this revision seeds it, whatever later edits make of it.
SEED = {
    "en": {"greeting": "Hello, I'm taking over your chat. How can I help?",
           "checking": "Thank you, I'm looking into it now. One moment, please.",
           "anything-else": "Is there anything else I can help you with?"},
    "ja": {"greeting": "こんにちは。担当者がチャットを引き継ぎました。どのようなご用件でしょうか?",
           "checking": "ありがとうございます。ただいま確認しておりますので、少々お待ちください。",
           "anything-else": "ほかにお手伝いできることはありますか?"},
    "ru": {"greeting": "Здравствуйте! Я подключаюсь к вашему чату. Чем могу помочь?",
           "checking": "Спасибо, я уже проверяю. Подождите, пожалуйста, минутку.",
           "anything-else": "Могу ли я ещё чем-нибудь помочь?"},
    "id": {"greeting": "Halo, saya mengambil alih obrolan Anda. Ada yang bisa saya bantu?",
           "checking": "Terima kasih, saya sedang memeriksanya. Mohon tunggu sebentar.",
           "anything-else": "Apakah ada hal lain yang bisa saya bantu?"},
    "it": {"greeting": "Salve, prendo in carico la sua chat. Come posso aiutarla?",
           "checking": "Grazie, sto verificando. Un momento, per favore.",
           "anything-else": "Posso aiutarla in qualcos'altro?"},
    "de": {"greeting": "Hallo, ich übernehme Ihren Chat. Wie kann ich helfen?",
           "checking": "Danke, ich sehe mir das gerade an. Einen Moment bitte.",
           "anything-else": "Kann ich Ihnen sonst noch helfen?"},
}


def upgrade() -> None:
    replies = op.create_table(
        "replies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    shared = sa.text("agent_id IS NULL")
    personal = sa.text("agent_id IS NOT NULL")
    op.create_index("uq_replies_shared_code", "replies", ["language", "code"], unique=True,
                    sqlite_where=shared, postgresql_where=shared)
    op.create_index("uq_replies_personal_code", "replies", ["agent_id", "language", "code"],
                    unique=True, sqlite_where=personal, postgresql_where=personal)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(replies, [
        {"agent_id": None, "language": language, "code": code, "text": text,
         "updated_at": now, "updated_by": SEEDED_BY}
        for language, texts in SEED.items() for code, text in texts.items()])


def downgrade() -> None:
    op.drop_index("uq_replies_personal_code", table_name="replies")
    op.drop_index("uq_replies_shared_code", table_name="replies")
    op.drop_table("replies")
