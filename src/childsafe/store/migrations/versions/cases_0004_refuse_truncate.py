"""cases: PostgreSQL refuses TRUNCATE of the audit log, its head and the evidence bundles

Revision ID: cases_0004
Revises: cases_0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "cases_0004"
down_revision: str | None = "cases_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Row triggers (cases_0001) do not fire on TRUNCATE, which empties a table in one statement:
# a statement trigger refuses it. SQLite has no TRUNCATE (its DELETE fires the row triggers).
PROTECTED_TABLES = ("audit_log", "audit_head", "evidence_bundles")
REFUSE_FUNCTION = """
    CREATE FUNCTION childsafe_refuse_truncate() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '% may not be truncated (append-only or sealed)', TG_TABLE_NAME;
    END;
    $$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(REFUSE_FUNCTION)
    for table in PROTECTED_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION childsafe_refuse_truncate()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in PROTECTED_TABLES:
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION childsafe_refuse_truncate()")
