"""spaces: spaces with their age rating, members, rating buckets and history, refusals

Revision ID: spaces_0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "spaces_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("spaces",)
depends_on: str | Sequence[str] | None = "service_0001"

ID = sa.String(128)
TS = sa.DateTime(timezone=True)
RATING = sa.String(2)


def _space_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["space_id"], ["spaces.id"], name=op.f(f"fk_{table}_space_id_spaces"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "spaces",
        sa.Column("id", ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("declared_rating", RATING, nullable=False),
        sa.Column("content_rating", RATING, nullable=False),
        sa.Column("override_rating", RATING, nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("rating", RATING, nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["accounts.id"], name=op.f("fk_spaces_owner_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spaces")),
    )
    op.create_index("ix_spaces_rating", "spaces", ["rating"])
    op.create_table(
        "space_members",
        sa.Column("space_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("status", sa.String(9), nullable=False),
        sa.Column("invited_by", ID, nullable=True),
        sa.Column("joined_at", TS, nullable=False),
        sa.Column("suspended_reason", sa.Text(), nullable=True),
        _space_fk("space_members"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_space_members_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("space_id", "account_id", name=op.f("pk_space_members")),
    )
    op.create_table(
        "space_rating_buckets",
        sa.Column("space_id", ID, nullable=False),
        sa.Column("hour", sa.Integer(), autoincrement=False, nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("messages", "sexual", "grooming", "nudity", "known_abuse", "self_harm")
        ),
        _space_fk("space_rating_buckets"),
        sa.PrimaryKeyConstraint("space_id", "hour", name=op.f("pk_space_rating_buckets")),
    )
    op.create_table(
        "space_rating_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("space_id", ID, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("previous", RATING, nullable=True),
        sa.Column("rating", RATING, nullable=False),
        sa.Column("source", sa.String(9), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        _space_fk("space_rating_history"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_space_rating_history")),
    )
    op.create_index("ix_space_rating_history_space_id", "space_rating_history", ["space_id"])
    op.create_table(
        "space_refusals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("space_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("age_band", sa.String(8), nullable=False),
        sa.Column("rating", RATING, nullable=False),
        sa.Column("at", TS, nullable=False),
        _space_fk("space_refusals"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_space_refusals")),
    )
    op.create_index("ix_space_refusals_space_id", "space_refusals", ["space_id"])
    op.create_index("ix_space_refusals_at", "space_refusals", ["at"])


def downgrade() -> None:
    for table in (
        "space_refusals",
        "space_rating_history",
        "space_rating_buckets",
        "space_members",
        "spaces",
    ):
        op.drop_table(table)
