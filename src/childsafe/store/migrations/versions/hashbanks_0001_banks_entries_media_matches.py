"""hashbanks: hash banks, hash entries, media, hash matches

Revision ID: hashbanks_0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "hashbanks_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("hashbanks",)
depends_on: str | Sequence[str] | None = "service_0001"

ID = sa.String(128)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "hash_banks",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("source_date", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("pdq_threshold", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hash_banks")),
        sa.UniqueConstraint("name", name=op.f("uq_hash_banks_name")),
    )
    op.create_table(
        "hash_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bank_id", ID, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("label", sa.String(500), nullable=True),
        sa.Column("added_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"],
            ["hash_banks.id"],
            name=op.f("fk_hash_entries_bank_id_hash_banks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hash_entries")),
        sa.UniqueConstraint("bank_id", "kind", "value", name="uq_hash_entries_value"),
    )
    op.create_table(
        "media",
        sa.Column("id", ID, nullable=False),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("sender_id", ID, nullable=False),
        sa.Column("recipient_ids", sa.JSON(), nullable=False),
        sa.Column("content_type", sa.String(32), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("md5", sa.String(32), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("pdq", sa.String(64), nullable=False),
        sa.Column("pdq_quality", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("evidence_preserved", sa.Boolean(), nullable=False),
        sa.Column("sent_at", TS, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["accounts.id"], name=op.f("fk_media_sender_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
    )
    op.create_index("ix_media_conversation", "media", ["conversation_id", "received_at"])
    op.create_index("ix_media_sender_id", "media", ["sender_id"])
    op.create_index("ix_media_sha256", "media", ["sha256"])
    op.create_table(
        "hash_matches",
        sa.Column("id", ID, nullable=False),
        sa.Column("media_id", ID, nullable=False),
        sa.Column("bank_id", ID, nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.Column("transform", sa.String(24), nullable=False),
        sa.Column("case_id", ID, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("feedback", sa.String(9), nullable=True),
        sa.Column("feedback_by", sa.String(200), nullable=True),
        sa.Column("feedback_note", sa.Text(), nullable=True),
        sa.Column("feedback_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["media_id"], ["media.id"], name=op.f("fk_hash_matches_media_id_media")
        ),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["hash_banks.id"], name=op.f("fk_hash_matches_bank_id_hash_banks")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["hash_entries.id"], name=op.f("fk_hash_matches_entry_id_hash_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hash_matches")),
    )
    op.create_index("ix_hash_matches_media_id", "hash_matches", ["media_id"])


def downgrade() -> None:
    op.drop_index("ix_hash_matches_media_id", table_name="hash_matches")
    op.drop_table("hash_matches")
    op.drop_index("ix_media_sha256", table_name="media")
    op.drop_index("ix_media_sender_id", table_name="media")
    op.drop_index("ix_media_conversation", table_name="media")
    op.drop_table("media")
    op.drop_table("hash_entries")
    op.drop_table("hash_banks")
