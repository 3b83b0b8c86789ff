"""cases: covering indexes for the transparency figures

Revision ID: cases_0002
Revises: cases_0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "cases_0002"
down_revision: str | None = "cases_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_case_actions_created", table_name="case_actions")
    op.create_index("ix_case_actions_created", "case_actions", ["created_at", "kind"])
    op.drop_index("ix_reports_created", table_name="reports")
    op.create_index(
        "ix_reports_created",
        "reports",
        ["created_at", "category", "reporter_age_band", "surface"],
    )
    op.create_index(
        "ix_cases_first_action",
        "cases",
        ["first_action_at", "first_action_seconds", "first_action_within_sla"],
    )


def downgrade() -> None:
    op.drop_index("ix_cases_first_action", table_name="cases")
    op.drop_index("ix_reports_created", table_name="reports")
    op.create_index("ix_reports_created", "reports", ["created_at"])
    op.drop_index("ix_case_actions_created", table_name="case_actions")
    op.create_index("ix_case_actions_created", "case_actions", ["created_at"])
