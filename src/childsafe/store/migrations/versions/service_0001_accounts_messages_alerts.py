"""service: accounts, connections, messages, conversation state, alerts, api keys

Revision ID: service_0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "service_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("service",)
depends_on: str | Sequence[str] | None = None

ID = sa.String(128)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", ID, primary_key=True),
        sa.Column("age_band", sa.String(16), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    op.create_table(
        "connections",
        sa.Column("account_a", ID, nullable=False),
        sa.Column("account_b", ID, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_a"],
            ["accounts.id"],
            name=op.f("fk_connections_account_a_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_b"],
            ["accounts.id"],
            name=op.f("fk_connections_account_b_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_a", "account_b", name=op.f("pk_connections")),
    )
    op.create_table(
        "messages",
        sa.Column("id", ID, nullable=False),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("sender_id", ID, nullable=False),
        sa.Column("recipient_ids", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sent_at", TS, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["accounts.id"], name=op.f("fk_messages_sender_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index("ix_messages_conversation_sent", "messages", ["conversation_id", "sequence"])
    op.create_table(
        "conversation_state",
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("detector_state", sa.JSON(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversation_state")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", ID, nullable=False),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("suspect_account_id", ID, nullable=False),
        sa.Column("victim_account_ids", sa.JSON(), nullable=False),
        sa.Column("message_id", ID, nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("cues", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["suspect_account_id"],
            ["accounts.id"],
            name=op.f("fk_alerts_suspect_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_alerts_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index("ix_alerts_conversation_id", "alerts", ["conversation_id"])
    op.create_index("ix_alerts_suspect_account_id", "alerts", ["suspect_account_id"])
    op.create_index("ix_alerts_created", "alerts", ["created_at", "id"])
    op.create_table(
        "api_keys",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )


def downgrade() -> None:
    op.drop_table("api_keys")
    op.drop_index("ix_alerts_created", table_name="alerts")
    op.drop_index("ix_alerts_suspect_account_id", table_name="alerts")
    op.drop_index("ix_alerts_conversation_id", table_name="alerts")
    op.drop_table("alerts")
    op.drop_table("conversation_state")
    op.drop_index("ix_messages_conversation_sent", table_name="messages")
    op.drop_table("messages")
    op.drop_table("connections")
    op.drop_table("accounts")
