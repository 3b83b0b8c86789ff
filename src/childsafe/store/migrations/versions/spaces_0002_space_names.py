"""spaces: a space's display name (what moderators and reasons call it)

Revision ID: spaces_0002
Revises: spaces_0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "spaces_0002"
down_revision: str | None = "spaces_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("spaces", sa.Column("name", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("spaces") as spaces:
        spaces.drop_column("name")
