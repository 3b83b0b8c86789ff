"""The PostgreSQL tests' shortcut (helpers/fresh_postgres.py) hands each test what a fresh
migration would: rows gone, seeded rows and sequences as migrated, and a changed schema
rebuilt rather than emptied."""

from __future__ import annotations

from sqlalchemy import text

from tests.helpers.fresh_postgres import FreshPostgres


def _state(fresh: FreshPostgres) -> tuple[int, int, int, str, int]:
    with fresh.engine.begin() as conn:
        accounts = conn.execute(text("SELECT count(*) FROM accounts")).scalar_one()
        heads = conn.execute(text("SELECT count(*) FROM audit_head")).scalar_one()
        versions = conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
        guard = conn.execute(
            text("SELECT tgenabled::text FROM pg_trigger WHERE tgname = 'audit_log_append_only'")
        ).scalar_one()
        next_item = conn.execute(text("SELECT nextval('case_items_id_seq')")).scalar_one()
    return accounts, heads, versions, guard, next_item


def test_a_test_leaves_no_rows_counters_or_schema_changes_to_the_next(
    fresh_postgres: FreshPostgres,
) -> None:
    fresh_postgres.migrated_and_empty()
    pristine = _state(fresh_postgres)
    assert pristine[:4] == (0, 1, pristine[2], "O") and pristine[2] >= 1

    with fresh_postgres.engine.begin() as conn:  # what a test might leave behind
        conn.execute(
            text(
                "INSERT INTO accounts (id, age_band, settings, created_at, updated_at)"
                " VALUES ('a', 'adult', '{}', now(), now())"
            )
        )
        conn.execute(text("DELETE FROM audit_head"))
        conn.execute(text("SELECT setval('case_items_id_seq', 500)"))
    fresh_postgres.migrated_and_empty()
    assert _state(fresh_postgres) == pristine

    with fresh_postgres.engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
    fresh_postgres.migrated_and_empty()
    assert _state(fresh_postgres) == pristine, "a disabled trigger is rebuilt, not kept"
