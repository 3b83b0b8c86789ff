"""cases: login throttle (failures and next allowed time per account and per client address)

Revision ID: cases_0003
Revises: cases_0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cases_0003"
down_revision: str | None = "cases_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("next_allowed_at", TS, nullable=False),
        sa.Column("last_failure_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
