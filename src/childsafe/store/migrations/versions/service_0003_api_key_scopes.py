"""service: API key scopes (ingest, moderation, admin)

Keys issued before scopes existed could call every route; they become ingest + moderation so
no deployment breaks on upgrade (`childsafe apikey list` warns about such broad keys).

Revision ID: service_0003
Revises: service_0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "service_0003"
down_revision: str | None = "service_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPES_BEFORE_SCOPES = ["ingest", "moderation"]


def upgrade() -> None:
    op.add_column("api_keys", sa.Column("scopes", sa.JSON(), nullable=True))
    api_keys = sa.table("api_keys", sa.column("scopes", sa.JSON()))
    op.execute(api_keys.update().values(scopes=SCOPES_BEFORE_SCOPES))
    with op.batch_alter_table("api_keys") as batch:
        batch.alter_column("scopes", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("scopes")
