"""The demo seeding adds console users (printed passwords that work), children's reports and
a few worked cases, leaves the urgent cases open, and adds nothing twice when re-run."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from childsafe.cases.users import authenticate
from childsafe.cli.main import main
from childsafe.demo.cases import seed_demo_cases
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case, Report
from tests.helpers.cases import api_client, register, scenario, send


def test_demo_seed_is_usable_and_idempotent(database: Database) -> None:
    with api_client(database) as client:
        scenario(client)
        # A few milder cases so some can be worked and two urgent ones stay open.
        for index in range(3):
            register(client, f"adult{index}", "adult")
            register(client, f"child{index}", "16_17")
            send(
                client,
                f"adult{index}",
                f"child{index}",
                "do you have snapchat? we can talk there instead",
                f"mild-{index}",
            )
    lines: list[str] = []
    summary = seed_demo_cases(database, say=lines.append)
    assert any(line.strip().startswith("moderator") for line in lines)
    with database.session() as session:
        for username, password in summary.passwords.items():
            assert authenticate(session, username, password) is not None
        reports = session.scalar(select(func.count()).select_from(Report))
        assert reports == summary.reports >= 1
        open_cases = session.scalars(select(Case).where(Case.status == "open")).all()
        assert any(case.priority == "P1" for case in open_cases)
        assert len(open_cases) >= 2
    again = seed_demo_cases(database, say=lines.append)
    assert again.reports == 0
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == reports
        for username, password in again.passwords.items():
            assert authenticate(session, username, password) is not None


def test_seed_demo_command_fills_the_queue_in_priority_order(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["seed-demo", "--database-url", database.url]) == 0
    out = capsys.readouterr().out
    assert "moderator" in out and "specialist2" in out
    assert main(["cases", "--database-url", database.url, "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) >= 3
    ranks = [case["priority"] for case in listed]
    assert ranks == sorted(ranks) and ranks[0] == "P1"
    with database.session() as session:
        assert session.scalar(select(func.count()).where(Case.status == "closed")) >= 1
