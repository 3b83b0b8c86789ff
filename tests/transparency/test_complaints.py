"""Complaint (appeal) figures match an independent computation on both databases, decisions
are counted by automated or human means, and the JSON and CSV exports carry both, with the DSA
template's complaint-handling figures."""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from childsafe.cases.actions import take_action
from childsafe.cases.appeals import decide_appeal, file_appeal
from childsafe.cli.main import main
from childsafe.model.clock import utcnow
from childsafe.store.db import Database
from childsafe.store.tables.cases import Appeal
from childsafe.store.tables.service import Account
from childsafe.transparency import dsa
from childsafe.transparency.figures import compute_figures
from tests.helpers.cases import api_client, make_users, open_cases, scenario

START = datetime(2026, 3, 1, tzinfo=UTC)
GROUNDS = ("restrict", "suspend", "automated_hold", "warn")
OUTCOMES = ("upheld", "reversed", "modified")


def invented_appeals(database: Database) -> list[dict[str, Any]]:
    """Forty appeals over twelve days, some decided hours to days later."""
    rows: list[dict[str, Any]] = []
    for n in range(40):
        received = START + timedelta(hours=7 * n)
        decided = n % 3 != 0
        seconds = float((n * 7919) % 200_000) if decided else None
        rows.append(
            {
                "id": f"apl_{n:03d}",
                "account_id": "appealer",
                "subject_type": "decision",
                "subject_id": f"act_{n:03d}",
                "ground": GROUNDS[n % len(GROUNDS)],
                "against_automated": GROUNDS[n % len(GROUNDS)] == "automated_hold",
                "original_decider": "system",
                "statement": "invented test appeal",
                "api_key_id": "key_test",
                "received_at": received,
                "status": "decided" if decided else "pending",
                "outcome": OUTCOMES[n % 3] if decided else None,
                "decided_at": received + timedelta(seconds=seconds) if seconds else None,
                "decision_seconds": seconds,
            }
        )
    with database.session() as session:
        session.add(Account(id="appealer", age_band="adult"))
        session.flush()
        session.add_all(Appeal(**row) for row in rows)
    return rows


def test_complaint_figures_match_an_independent_computation(database: Database) -> None:
    rows = invented_appeals(database)
    low, high = datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)
    with database.session() as session:
        figures = compute_figures(session, date(2026, 3, 3), date(2026, 3, 8))
    received = [r for r in rows if low <= r["received_at"] < high]
    decided = [r for r in rows if r["decided_at"] and low <= r["decided_at"] < high]
    assert 0 < len(received) < len(rows) and len(decided) > 0
    assert figures.complaints_received == len(received)
    assert figures.complaints_by_ground == dict(Counter(str(r["ground"]) for r in received))
    assert figures.complaints_about_automated_detection == sum(
        1 for r in received if r["against_automated"]
    )
    outcomes = Counter(str(r["outcome"]) for r in decided)
    assert figures.complaint_outcomes == {o: outcomes.get(o, 0) for o in OUTCOMES}
    assert figures.complaints_decided == len(decided)
    assert figures.complaints_reversed == outcomes["reversed"]
    waits = sorted(float(r["decision_seconds"]) for r in decided)
    median = waits[max(math.ceil(0.5 * len(waits)) - 1, 0)] / 3600
    assert figures.median_hours_to_decide_complaint == round(median, 2)
    assert figures.dsa_complaint_handling["decisions_reversed"] == outcomes["reversed"]
    assert figures.dsa_complaint_handling["median_time_to_decide_hours"] == round(median, 2)


@pytest.fixture
def decided_world(database: Database) -> Database:
    """A human and an automated decision, an appeal against each; one reversed."""
    with api_client(database) as client:
        scenario(client)
    users = make_users(database)
    case_id = open_cases(database)[0].id

    def appeal_against(action_id: str) -> str:
        with database.session() as session:
            return file_appeal(
                session,
                account_id="groomer",
                subject_type="decision",
                subject_id=action_id,
                statement="invented test appeal",
                contact_preference=None,
                api_key_id="key_test",
            ).id

    with database.session() as session:
        human = take_action(session, case_id, "restrict", users["mod"], "grooming a child")
    reversed_id = appeal_against(human.id)
    with database.session() as session:
        decide_appeal(session, reversed_id, "reversed", users["spec2"], "not grooming")
    with database.session() as session:
        tool = take_action(
            session, case_id, "suspend", users["spec1"], "tool: repeated", automated=True
        )
    appeal_against(tool.id)
    return database


def test_exports_carry_complaints_and_decisions_by_means(
    decided_world: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with decided_world.session() as session:
        today = utcnow().date()
        figures = compute_figures(session, today, today)
    # restrict (human), suspend (automated tool), and the reversal's lift (human).
    assert figures.decisions_by_means == {"human": 2, "automated": 1}
    assert (figures.complaints_received, figures.complaints_decided) == (2, 1)
    assert figures.complaints_by_ground == {"restrict": 1, "suspend": 1}
    assert figures.complaints_reversed == 1
    assert figures.median_hours_to_decide_complaint is not None
    with decided_world.session() as session:
        means = {
            "decision_provision" in sor: sor["automated_decision"]
            for sor in dsa.statements(session, today, today)
        }
    # The restriction was a moderator's, the suspension the platform tool's (DSA Art. 17).
    assert means == {True: "AUTOMATED_DECISION_NOT_AUTOMATED", False: "AUTOMATED_DECISION_FULLY"}

    today_text = today.isoformat()
    base = [
        "transparency",
        "--database-url",
        decided_world.url,
        *("--from", today_text, "--to", today_text),
    ]
    assert main([*base, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["complaints_received"] == 2
    assert document["dsa_complaint_handling"]["decisions_reversed"] == 1
    assert main([*base, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    found = {(r["metric"], r["key"]): r["value"] for r in rows}
    assert found[("complaints_reversed", "")] == "1"
    assert found[("decisions_by_means", "automated")] == "1"
    assert found[("dsa_complaint_handling", "complaints_received")] == "2"
