"""cases: children's reports by reporter, reported account and conversation (a report page link
finds the report already sent about its conversation)

Revision ID: cases_0008
Revises: cases_0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "cases_0008"
down_revision: str | None = "cases_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_reports_conversation"


def upgrade() -> None:
    op.create_index(
        INDEX, "reports", ["reporter_account_id", "reported_account_id", "conversation_id"]
    )


def downgrade() -> None:
    op.drop_index(INDEX, "reports")
