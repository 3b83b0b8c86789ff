"""Finding 5: the audit chain survives its own database (TRUNCATE refused, signed checkpoints)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from childsafe import audit
from childsafe.cli.main import main
from childsafe.store.db import Database

# Part of the adversarial suite of issue 11: `pytest -m security` replays it.
pytestmark = pytest.mark.security


def write_entries(database: Database, count: int, note: str = "viewed") -> None:
    with database.session() as session:
        for index in range(count):
            audit.record(
                session,
                actor="user:u1",
                action="case.viewed",
                target_type="case",
                target_id=f"case_{index}",
                details={"note": note},
            )


def drop_guards(database: Database) -> None:
    """What a database superuser can do: switch the append-only triggers off."""
    with database.engine.begin() as connection:
        if database.is_sqlite:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    private, public = tmp_path / "audit.key", tmp_path / "audit.pub"
    assert (
        main(["audit", "keygen", "--private-key", str(private), "--public-key", str(public)]) == 0
    )
    assert private.stat().st_mode & 0o077 == 0
    return private, public


def checkpoint(database: Database, private: Path, out: Path) -> int:
    arguments = ["checkpoint", "--out", str(out), "--private-key", str(private)]
    return main(["audit", "--database-url", database.url, *arguments])


def verify(database: Database, public: Path, checkpoint_file: Path | None) -> int:
    anchored = ["--checkpoint", str(checkpoint_file), "--public-key", str(public)]
    return main(
        ["audit", "--database-url", database.url, "verify", *(anchored if checkpoint_file else [])]
    )


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_refuses_truncating_protected_tables(database: Database) -> None:
    write_entries(database, 2)
    for statement in (
        "TRUNCATE audit_log",
        "TRUNCATE audit_head",
        "TRUNCATE evidence_bundles CASCADE",
        "TRUNCATE media CASCADE",
        "TRUNCATE accounts CASCADE",  # reaches media and evidence through foreign keys
    ):
        with (
            pytest.raises(DBAPIError, match="may not be truncated"),
            database.engine.begin() as connection,
        ):
            connection.execute(text(statement))
    with database.session() as session:
        assert audit.verify_chain(session).entries == 2


def test_rehashed_chain_passes_alone_but_fails_the_checkpoint(
    database: Database,
    keys: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    private, public = keys
    write_entries(database, 5)
    signed = tmp_path / "head.json"
    assert checkpoint(database, private, signed) == 0
    assert verify(database, public, signed) == 0
    assert "contains the checkpointed head: entry 5" in capsys.readouterr().out

    # Delete everything and write a new, self-consistent chain in its place.
    drop_guards(database)
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log"))
        connection.execute(
            text("UPDATE audit_head SET last_seq = 0, last_hash = :genesis"),
            {"genesis": audit.GENESIS_HASH},
        )
    write_entries(database, 6, note="nothing to see")
    assert verify(database, public, None) == 0  # the chain alone cannot tell
    capsys.readouterr()
    assert verify(database, public, signed) == 1
    assert "BROKEN at entry 5" in (out := capsys.readouterr().out) and "re-hashed" in out


def test_rewound_head_fails_the_checkpoint(
    database: Database,
    keys: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    private, public = keys
    write_entries(database, 5)
    signed = tmp_path / "head.json"
    assert checkpoint(database, private, signed) == 0
    drop_guards(database)
    with database.engine.begin() as connection:
        third = connection.execute(text("SELECT hash FROM audit_log WHERE seq = 3")).scalar_one()
        connection.execute(text("DELETE FROM audit_log WHERE seq > 3"))
        connection.execute(
            text("UPDATE audit_head SET last_seq = 3, last_hash = :hash"), {"hash": third}
        )
    assert verify(database, public, None) == 0
    capsys.readouterr()
    assert verify(database, public, signed) == 1
    assert "ends at entry 3" in (out := capsys.readouterr().out) and "truncated or rewound" in out


def test_tampered_or_foreign_checkpoint_is_refused(
    database: Database,
    keys: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    private, public = keys
    write_entries(database, 3)
    signed = tmp_path / "head.json"
    assert checkpoint(database, private, signed) == 0
    document = json.loads(signed.read_text())
    # Rewound to fit a shortened chain: the signature no longer covers what the file says.
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({**document, "seq": 2}))
    capsys.readouterr()
    assert verify(database, public, forged) == 1
    assert "signature does not verify" in capsys.readouterr().out
    # Signed by someone else's key: refused with ours.
    other_private, other_public = tmp_path / "other.key", tmp_path / "other.pub"
    main(
        ["audit", "keygen", "--private-key", str(other_private), "--public-key", str(other_public)]
    )
    foreign = tmp_path / "foreign.json"
    assert checkpoint(database, other_private, foreign) == 0
    capsys.readouterr()
    assert verify(database, public, foreign) == 1
    assert "signature does not verify" in capsys.readouterr().out
    # A key file is never overwritten.
    assert main(["audit", "keygen", "--private-key", str(private), "--public-key", "x.pub"]) == 1


def test_a_broken_chain_is_never_signed(
    database: Database, keys: tuple[Path, Path], tmp_path: Path
) -> None:
    private, _ = keys
    write_entries(database, 3)
    drop_guards(database)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'user:other' WHERE seq = 2"))
    out = tmp_path / "head.json"
    assert checkpoint(database, private, out) == 1
    assert not out.exists()
