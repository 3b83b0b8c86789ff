"""hashbanks: video (vPDQ) bank entries keep their frames; posted videos keep theirs

Revision ID: hashbanks_0004
Revises: hashbanks_0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "hashbanks_0004"
down_revision: str | None = "hashbanks_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("hash_entries", sa.Column("frames", sa.Text(), nullable=True))
    op.add_column("media", sa.Column("vpdq", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("media") as media:
        media.drop_column("vpdq")
    with op.batch_alter_table("hash_entries") as entries:
        entries.drop_column("frames")
