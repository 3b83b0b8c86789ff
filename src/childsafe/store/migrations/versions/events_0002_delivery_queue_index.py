"""events: claim each subscription's pending deliveries from an index of its own

Revision ID: events_0002
Revises: events_0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "events_0002"
down_revision: str | None = "events_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_webhook_deliveries_queue",
        "webhook_deliveries",
        ["subscription_id", "status", "event_seq"],
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_queue", table_name="webhook_deliveries")
