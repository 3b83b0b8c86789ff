"""The audit chain proves order and integrity."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from childsafe import audit
from childsafe.cli.main import main
from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry


def write_entries(database: Database, count: int) -> None:
    with database.session() as session:
        for index in range(count):
            audit.record(
                session,
                actor="user:u1",
                action="case.viewed",
                target_type="case",
                target_id=f"case_{index}",
                details={"n": index, "note": "café ✓"},
            )


def _disable_guards(database: Database) -> None:
    with database.engine.begin() as connection:
        if database.is_sqlite:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))


def test_chain_verifies_and_names_the_first_altered_entry(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    write_entries(database, 6)
    with database.session() as session:
        assert audit.verify_chain(session).ok
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert entries[0].prev_hash == audit.GENESIS_HASH
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert main(["audit", "--database-url", database.url, "verify"]) == 0
    assert "chain intact" in capsys.readouterr().out

    _disable_guards(database)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'user:someone-else' WHERE seq = 4"))
    with database.session() as session:
        check = audit.verify_chain(session)
    assert not check.ok and check.first_broken_seq == 4
    assert main(["audit", "--database-url", database.url, "verify"]) == 1
    assert "BROKEN at entry 4" in capsys.readouterr().out


def test_removing_entries_is_detected(database: Database) -> None:
    write_entries(database, 5)
    _disable_guards(database)
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    with database.session() as session:
        check = audit.verify_chain(session)
    assert not check.ok and check.first_broken_seq == 2
    # Cutting the tail off: the head row still knows how many entries were written.
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq >= 2"))
    with database.session() as session:
        check = audit.verify_chain(session)
    assert not check.ok and "removed" in (check.problem or "")


def test_the_database_refuses_to_rewrite_the_log(database: Database) -> None:
    write_entries(database, 2)
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as connection:
            connection.execute(text(statement))
