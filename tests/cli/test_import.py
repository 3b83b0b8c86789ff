"""`childsafe import accounts|connections FILE`: JSONL and CSV, errors naming the line and the
field, bad lines never stop good ones, re-running changes nothing, --json pure JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from childsafe.cli.main import main
from childsafe.store.db import Database
from childsafe.store.tables.service import Account, Connection


def _import(
    capsys: pytest.CaptureFixture[str], kind: str, path: Path, url: str
) -> tuple[int, dict[str, Any], str]:
    code = main(["import", kind, str(path), "--database-url", url, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_jsonl_lines_are_checked_one_by_one_and_reimport_changes_nothing(
    tmp_path: Path, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = tmp_path / "accounts.jsonl"
    accounts.write_bytes(
        b"# invented accounts for a test\n"
        b'{"id": "kid", "age_band": "13_15", "display_name": "Kid"}\n'
        b"\n"
        b'{"id": "grown", "age_band": "adult"}\n'
        b'{"id": "bad", "age_band": "thirty"}\n'
        b'{"id": "broken", \n'
        b'{"id": "k\xff", "age_band": "adult"}\n'
        b'{"id": "late", "age_band": "16_17", "colour": "red"}\n'
        b'{"id": "nul", "age_band": "adult", "display_name": "a\\u0000b"}\n'
        b'"a string, not an object"\n'
        b'{"id": "last", "age_band": "under_13"}\n'
    )
    code, summary, err = _import(capsys, "accounts", accounts, database.url)
    assert code == 1
    assert (summary["lines"], summary["created"], summary["error"]) == (9, 3, 6)
    errors = {e["line"]: e["error"] for e in summary["errors"]}
    assert errors[5].startswith("age_band: Input should be")
    assert errors[6].startswith("invalid JSON")
    assert errors[7] == "not UTF-8"
    assert errors[8].startswith("colour: Extra inputs")
    assert errors[9] == "NUL characters (U+0000) are not accepted"
    assert errors[10].startswith("item: Input should be a valid dictionary")
    assert f"{accounts}:5: age_band" in err
    code, summary, _ = _import(capsys, "accounts", accounts, database.url)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 3)

    connections = tmp_path / "connections.jsonl"
    connections.write_text(
        '{"account_a": "kid", "account_b": "last"}\n'
        '{"account_a": "kid", "account_b": "ghost"}\n'
        '{"account_a": "last", "account_b": "kid"}\n'
    )
    code, summary, _ = _import(capsys, "connections", connections, database.url)
    assert (summary["created"], summary["unchanged"], summary["error"]) == (1, 1, 1)
    assert summary["errors"] == [{"line": 2, "error": "unknown account(s): ghost"}]
    with database.session() as session:
        assert session.query(Connection).count() == 1


def test_csv_has_a_column_per_setting_and_quoted_newlines(
    tmp_path: Path, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "id,age_band,display_name,profile_visibility,notice_acknowledged\n"
        "teen,16_17,,private,\n"
        'poet,adult,"two\nlines",public,false\n'
        "short,adult\n"
        "\n"
        "kid,under_13,Kid,public,true\n"
        "last,adult,,,\n"
    )
    code, summary, _ = _import(capsys, "accounts", accounts, database.url)
    assert code == 1
    assert (summary["created"], summary["error"]) == (4, 1)
    assert summary["errors"] == [{"line": 5, "error": "fewer columns than the header"}]
    with database.session() as session:
        poet, kid = session.get(Account, "poet"), session.get(Account, "kid")
        assert poet is not None and poet.display_name == "two\nlines"
        # under_13 may not go public: refused, as PUT refuses it, and the account kept safe.
        assert kid is not None and kid.settings == {}
    connections = tmp_path / "connections.csv"
    connections.write_text("account_a,account_b\nteen,poet\nteen,teen\n")
    code, summary, _ = _import(capsys, "connections", connections, database.url)
    assert summary["errors"] == [{"line": 3, "error": "an account cannot be connected to itself"}]


def test_an_unreadable_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.jsonl"
    assert main(["import", "accounts", str(missing), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"cannot read {missing}: No such file or directory" in captured.err


def test_a_load_that_changed_a_table_refreshes_its_statistics_on_postgresql(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Plans made from an empty table's statistics outlast a bulk load until autovacuum
    comes round; the import analyses what it changed, and only that."""
    database = Database(postgres_url)
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    database.migrate()

    def analysed() -> dict[str, int]:
        with database.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT relname, analyze_count FROM pg_stat_user_tables"
                    " WHERE relname IN ('accounts', 'connections')"
                )
            )
            return {name: count for name, count in rows}

    accounts = tmp_path / "accounts.jsonl"
    accounts.write_text(
        "".join(f'{{"id": "invented-{n}", "age_band": "adult"}}\n' for n in range(50))
    )
    try:
        assert analysed() == {"accounts": 0, "connections": 0}
        _import(capsys, "accounts", accounts, postgres_url)
        assert analysed() == {"accounts": 1, "connections": 0}
        _import(capsys, "accounts", accounts, postgres_url)  # unchanged: nothing to refresh
        assert analysed() == {"accounts": 1, "connections": 0}
    finally:
        database.dispose()
