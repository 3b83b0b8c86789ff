"""cases: triage (who a case is assigned to, escalation, internal notes, saved queue views, and
indexes for the queue's other orders and "my cases")

Revision ID: cases_0006
Revises: cases_0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cases_0006"
down_revision: str | None = "cases_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
ID = sa.String(128)
ASSIGNEE_KEY = "fk_cases_assigned_to_console_users"
QUEUE_INDEXES = {
    "ix_cases_status_due": ["status", "sla_due_at", "first_action_at"],
    "ix_cases_status_opened": ["status", "opened_at"],
    "ix_cases_status_activity": ["status", "last_activity_at"],
    "ix_cases_assignee": ["assigned_to", "status"],
}


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("assigned_to", ID, nullable=True))
        batch.add_column(sa.Column("escalated_at", TS, nullable=True))
        batch.create_foreign_key(ASSIGNEE_KEY, "console_users", ["assigned_to"], ["id"])
    for name, columns in QUEUE_INDEXES.items():
        op.create_index(name, "cases", columns)
    op.create_table(
        "case_notes",
        sa.Column("id", ID, primary_key=True),
        sa.Column("case_id", ID, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("author_user_id", ID, sa.ForeignKey("console_users.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_case_notes_case_id", "case_notes", ["case_id"])
    op.create_table(
        "saved_views",
        sa.Column("id", ID, primary_key=True),
        sa.Column("user_id", ID, sa.ForeignKey("console_users.id"), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("query", sa.String(1000), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_views_user_name"),
    )
    op.create_index("ix_saved_views_user_id", "saved_views", ["user_id"])


def downgrade() -> None:
    op.drop_table("saved_views")
    op.drop_table("case_notes")
    for name in QUEUE_INDEXES:
        op.drop_index(name, "cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(ASSIGNEE_KEY, type_="foreignkey")
        batch.drop_column("escalated_at")
        batch.drop_column("assigned_to")
