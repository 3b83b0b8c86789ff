"""cases: appeals, reviews of held messages, and decisions by API keys

Revision ID: cases_0005
Revises: cases_0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cases_0005"
down_revision: str | None = "cases_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(128)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # A decision names its actor as the audit log does; API keys decide too, so the console
    # user becomes optional.
    with op.batch_alter_table("case_actions") as batch:
        batch.add_column(sa.Column("actor", ID, nullable=True))
        batch.add_column(
            sa.Column("automated_decision", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE case_actions SET actor = 'user:' || actor_user_id")
    with op.batch_alter_table("case_actions") as batch:
        batch.alter_column("actor", existing_type=ID, nullable=False)
        batch.alter_column("actor_user_id", existing_type=ID, nullable=True)

    op.create_table(
        "held_message_reviews",
        sa.Column("id", ID, nullable=False),
        sa.Column("message_id", ID, nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reviewed_by", ID, nullable=False),
        sa.Column("reviewer_name", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewed_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_held_message_reviews_message_id_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_message_reviews")),
    )
    op.create_index("ix_held_message_reviews_message_id", "held_message_reviews", ["message_id"])

    op.create_table(
        "appeals",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("subject_type", sa.String(16), nullable=False),
        sa.Column("subject_id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=True),
        sa.Column("ground", sa.String(32), nullable=False),
        sa.Column("against_automated", sa.Boolean(), nullable=False),
        sa.Column("original_decider", ID, nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("contact_preference", sa.String(32), nullable=True),
        sa.Column("api_key_id", ID, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", ID, nullable=True),
        sa.Column("decided_by_name", sa.String(200), nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("decision_seconds", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_appeals_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_appeals_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    op.create_index("ix_appeals_queue", "appeals", ["status", "received_at"])
    op.create_index("ix_appeals_decided", "appeals", ["decided_at"])


def downgrade() -> None:
    op.drop_table("appeals")
    op.drop_table("held_message_reviews")
    with op.batch_alter_table("case_actions") as batch:
        batch.alter_column("actor_user_id", existing_type=ID, nullable=False)
        batch.drop_column("automated_decision")
        batch.drop_column("actor")
