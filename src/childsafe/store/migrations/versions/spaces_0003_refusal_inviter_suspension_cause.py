"""spaces: who invited a refused child (the invite signal), and what suspended a member

Revision ID: spaces_0003
Revises: spaces_0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "spaces_0003"
down_revision: str | None = "spaces_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("space_refusals", sa.Column("invited_by", sa.String(128), nullable=True))
    op.add_column("space_members", sa.Column("suspended_for", sa.String(16), nullable=True))
    # Until now the rating was the only thing that suspended a member.
    op.execute("UPDATE space_members SET suspended_for = 'rating' WHERE status = 'suspended'")


def downgrade() -> None:
    with op.batch_alter_table("space_members") as members:
        members.drop_column("suspended_for")
    with op.batch_alter_table("space_refusals") as refusals:
        refusals.drop_column("invited_by")
