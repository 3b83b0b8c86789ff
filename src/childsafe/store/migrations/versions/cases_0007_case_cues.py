"""cases: one row per case and cue (the queue's cue filter reads it instead of scanning every
case's JSON list), filled from the existing cases; and covering indexes for the queue's counts
and filters (priority, overdue, assigned, age band, source)

Revision ID: cases_0007
Revises: cases_0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cases_0007"
down_revision: str | None = "cases_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each JSON list element as a row, in each backend's own words (cases.cues is json on
# PostgreSQL, text on SQLite). DISTINCT: an old list could name a cue twice.
BACKFILL = {
    "postgresql": (
        "INSERT INTO case_cues (case_id, cue) "
        "SELECT DISTINCT cases.id, cue FROM cases, json_array_elements_text(cases.cues) AS cue"
    ),
    "sqlite": (
        "INSERT INTO case_cues (case_id, cue) "
        "SELECT DISTINCT cases.id, each.value FROM cases, json_each(cases.cues) AS each"
    ),
}
# The queue's counts and filters answered from the index alone: (old columns, new columns).
# `id` follows the sort columns: it ends each order's tie, and the cue and source filters
# (cases.id IN ...) are then checked without reading the case's row.
QUEUE_INDEXES = {
    "ix_cases_queue": (
        ["status", "priority_rank", "sla_due_at"],
        ["status", "priority_rank", "sla_due_at", "id", "first_action_at", "assigned_to"],
    ),
    "ix_cases_status_due": (
        ["status", "sla_due_at", "first_action_at"],
        ["status", "sla_due_at", "id", "first_action_at", "assigned_to"],
    ),
    "ix_cases_status_opened": (
        ["status", "opened_at"],
        ["status", "opened_at", "id", "sla_due_at", "first_action_at", "assigned_to"],
    ),
}
AGE_BAND_INDEX = "ix_cases_status_age_band"
SOURCE_INDEX = "ix_case_items_source_case"


def upgrade() -> None:
    op.create_table(
        "case_cues",
        sa.Column("case_id", sa.String(128), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("cue", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "cue", name="pk_case_cues"),
    )
    op.execute(BACKFILL[op.get_bind().dialect.name])
    op.create_index("ix_case_cues_cue", "case_cues", ["cue", "case_id"])
    for name, (_old, new) in QUEUE_INDEXES.items():
        op.drop_index(name, "cases")
        op.create_index(name, "cases", new)
    op.create_index(
        AGE_BAND_INDEX,
        "cases",
        ["status", "youngest_age_band", "priority_rank", "sla_due_at", "id", "first_action_at"],
    )
    op.create_index(SOURCE_INDEX, "case_items", ["source", "case_id"])


def downgrade() -> None:
    op.drop_index(SOURCE_INDEX, "case_items")
    op.drop_index(AGE_BAND_INDEX, "cases")
    for name, (old, _new) in QUEUE_INDEXES.items():
        op.drop_index(name, "cases")
        op.create_index(name, "cases", old)
    op.drop_table("case_cues")
