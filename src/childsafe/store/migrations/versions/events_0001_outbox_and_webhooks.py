"""events: the outbox, webhook subscriptions and deliveries, the fan-out cursor

Revision ID: events_0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "events_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("events",)
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
SEQUENCE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PUBLIC_ID = sa.String(40)
WEBHOOK_FAN_OUT = "webhooks"


def upgrade() -> None:
    op.create_table(
        "events_outbox",
        sa.Column("seq", SEQUENCE, autoincrement=True, nullable=False),
        sa.Column("id", PUBLIC_ID, nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_events_outbox")),
        sa.UniqueConstraint("id", name=op.f("uq_events_outbox_id")),
    )
    op.create_index("ix_events_outbox_type_seq", "events_outbox", ["type", "seq"])
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", PUBLIC_ID, nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscriptions")),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", PUBLIC_ID, nullable=False),
        sa.Column("event_seq", SEQUENCE, nullable=False),
        sa.Column("subscription_id", PUBLIC_ID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("last_attempt_at", TS, nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", TS, nullable=True),
        sa.Column("queued_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["event_seq"],
            ["events_outbox.seq"],
            name=op.f("fk_webhook_deliveries_event_seq_events_outbox"),
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscriptions.id"],
            name=op.f("fk_webhook_deliveries_subscription_id_webhook_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("event_seq", "subscription_id", name="uq_webhook_deliveries_event"),
    )
    op.create_index(
        "ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"]
    )
    op.create_index(
        "ix_webhook_deliveries_subscription",
        "webhook_deliveries",
        ["subscription_id", "event_seq"],
    )
    op.create_table(
        "events_cursors",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("seq", SEQUENCE, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_events_cursors")),
    )
    # The fan-out's row exists from the start: workers lock it, never race to create it.
    cursors = sa.table("events_cursors", sa.column("name", sa.String), sa.column("seq", SEQUENCE))
    op.bulk_insert(cursors, [{"name": WEBHOOK_FAN_OUT, "seq": 0}])


def downgrade() -> None:
    op.drop_table("events_cursors")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
    op.drop_table("events_outbox")
