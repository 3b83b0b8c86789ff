"""hashbanks: PostgreSQL refuses TRUNCATE of media (it would bypass the evidence guard)

Revision ID: hashbanks_0003
Revises: hashbanks_0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "hashbanks_0003"
down_revision: str | None = "hashbanks_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The row trigger of hashbanks_0002 does not fire on TRUNCATE; a statement trigger refuses it.
# Its own function, so this branch does not depend on the cases branch's migrations.
# SQLite has no TRUNCATE (its DELETE fires the row triggers).
REFUSE_FUNCTION = """
    CREATE FUNCTION childsafe_media_refuse_truncate() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'media may not be truncated (it holds preserved evidence)';
    END;
    $$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(REFUSE_FUNCTION)
    op.execute(
        "CREATE TRIGGER media_no_truncate BEFORE TRUNCATE ON media "
        "FOR EACH STATEMENT EXECUTE FUNCTION childsafe_media_refuse_truncate()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER media_no_truncate ON media")
    op.execute("DROP FUNCTION childsafe_media_refuse_truncate()")
