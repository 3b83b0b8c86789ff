"""hashbanks: media preserved as evidence can be neither deleted nor altered

Revision ID: hashbanks_0002
Revises: hashbanks_0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "hashbanks_0002"
down_revision: str | None = "hashbanks_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An image that matched a known-abuse hash is evidence: the database refuses to delete it or
# to change its bytes or hashes, whatever code path (or hand-typed SQL) tries.
POSTGRES_GUARDS = [
    """
    CREATE FUNCTION childsafe_media_preserved() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NOT (
            NEW.content IS DISTINCT FROM OLD.content
            OR NEW.sha256 IS DISTINCT FROM OLD.sha256
            OR NEW.md5 IS DISTINCT FROM OLD.md5
            OR NEW.pdq IS DISTINCT FROM OLD.pdq
            OR NOT NEW.evidence_preserved
        ) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'media % is preserved as evidence', OLD.id;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER media_preserved BEFORE UPDATE OR DELETE ON media
    FOR EACH ROW WHEN (OLD.evidence_preserved) EXECUTE FUNCTION childsafe_media_preserved()
    """,
]
SQLITE_GUARDS = [
    """
    CREATE TRIGGER media_preserved_no_delete BEFORE DELETE ON media
    WHEN OLD.evidence_preserved
    BEGIN SELECT RAISE(ABORT, 'media is preserved as evidence'); END
    """,
    """
    CREATE TRIGGER media_preserved_no_change BEFORE UPDATE ON media
    WHEN OLD.evidence_preserved AND (
        NEW.content IS NOT OLD.content OR NEW.sha256 IS NOT OLD.sha256
        OR NEW.md5 IS NOT OLD.md5 OR NEW.pdq IS NOT OLD.pdq OR NOT NEW.evidence_preserved
    )
    BEGIN SELECT RAISE(ABORT, 'media is preserved as evidence'); END
    """,
]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_GUARDS if postgres else SQLITE_GUARDS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER media_preserved ON media")
        op.execute("DROP FUNCTION childsafe_media_preserved()")
    else:
        op.execute("DROP TRIGGER media_preserved_no_change")
        op.execute("DROP TRIGGER media_preserved_no_delete")
