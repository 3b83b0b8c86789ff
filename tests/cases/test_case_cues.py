"""The queue's cue filter reads case_cues (one row per case and cue): intake writes the rows
with the case's cues, the migration fills them from the cases already stored, and the filter
and its counts find exactly the cases carrying the cue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import insert, select

from childsafe.cases import queue_filters
from childsafe.cases.intake import CaseEvidence, open_or_update_case
from childsafe.store.db import Database
from childsafe.store.migrate import alembic_config
from childsafe.store.tables.cases import Case, CaseCue
from childsafe.store.tables.service import Account

NOW = datetime.now(UTC)


def add_accounts(database: Database, *account_ids: str) -> None:
    with database.session() as session:
        for account_id in account_ids:
            band = "13_15" if account_id.startswith("kid") else "adult"
            session.add(Account(id=account_id, age_band=band, display_name=account_id, settings={}))


def intake(database: Database, suspect: str, source_id: str, *cues: str) -> str:
    evidence = CaseEvidence(
        suspect_account_id=suspect,
        source="alert",
        source_id=source_id,
        victim_account_ids=("kid",),
        cues=cues,
        score=0.5,
        occurred_at=NOW,
    )
    with database.session() as session:
        return open_or_update_case(session, evidence)


def stored_cues(database: Database) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    with database.session() as session:
        for case_id, cue in session.execute(select(CaseCue.case_id, CaseCue.cue)):
            found.setdefault(case_id, set()).add(cue)
    return found


def cases_cues(database: Database) -> dict[str, set[str]]:
    with database.session() as session:
        return {case.id: set(case.cues) for case in session.scalars(select(Case))}


def test_intake_writes_each_cue_of_the_case_once(database: Database) -> None:
    add_accounts(database, "kid", "suspect", "other")
    case_id = intake(database, "suspect", "a-1", "secrecy", "gifts_flattery")
    assert intake(database, "suspect", "a-2", "secrecy", "meeting") == case_id
    assert intake(database, "suspect", "a-2", "secrecy", "meeting") == case_id  # a retry
    other = intake(database, "other", "a-3", "meeting")
    assert stored_cues(database) == {
        case_id: {"secrecy", "gifts_flattery", "meeting"},
        other: {"meeting"},
    }
    assert stored_cues(database) == cases_cues(database)


def test_a_failed_intake_leaves_no_cue_rows(database: Database) -> None:
    add_accounts(database, "kid", "suspect")
    with pytest.raises(RuntimeError), database.session() as session:
        open_or_update_case(
            session,
            CaseEvidence("suspect", "alert", "a-1", ("kid",), ("meeting",), 0.5, NOW),
        )
        raise RuntimeError("the alert's own write failed")
    assert stored_cues(database) == {}


def test_the_migration_fills_case_cues_from_the_stored_cases(database: Database) -> None:
    config = alembic_config(database.engine)
    command.downgrade(config, "cases_0006")
    add_accounts(database, "kid", "suspect")
    rows = {
        "case-a": ["secrecy", "meeting", "secrecy"],  # an old list naming a cue twice
        "case-b": ["known_abuse_image"],
        "case-c": [],
    }
    with database.session() as session:
        session.execute(
            insert(Case),
            [
                {
                    "id": case_id,
                    "suspect_account_id": "suspect",
                    "status": "open",
                    "priority": "P2",
                    "priority_rank": 2,
                    "priority_score": 0.5,
                    "priority_reasons": [],
                    "severity": "meeting",
                    "cues": cues,
                    "victim_account_ids": ["kid"],
                    "youngest_age_band": "13_15",
                    "item_count": 1,
                    "opened_at": NOW,
                    "last_activity_at": NOW,
                    "sla_due_at": NOW,
                    "updated_at": NOW,
                }
                for case_id, cues in rows.items()
            ],
        )
    command.upgrade(config, "heads")
    assert stored_cues(database) == {
        "case-a": {"secrecy", "meeting"},
        "case-b": {"known_abuse_image"},
    }


def test_the_cue_filter_finds_the_cases_carrying_the_cue_and_counts_them(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    suspects = [f"suspect-{index}" for index in range(7)]
    add_accounts(database, "kid", *suspects)
    carrying = set()
    for index, suspect in enumerate(suspects):
        # Every other case carries "meeting", the others only "secrecy".
        if index % 2 == 0:
            carrying.add(intake(database, suspect, f"a-{index}", "meeting", "secrecy"))
        else:
            intake(database, suspect, f"a-{index}", "secrecy")
    chosen = queue_filters.parse({"cue": "meeting", "page_size": "25"})
    later = NOW + timedelta(days=30)  # every case is past its SLA by then

    def page() -> queue_filters.QueuePage:
        with database.session() as session:
            return queue_filters.queue_page(session, chosen, "nobody", later)

    shown = page()
    assert {case.id for case in shown.cases} == carrying
    assert shown.total == len(carrying) == shown.overdue and not shown.capped
    # Counted per priority when the one pass finds too many: the same figures, capped.
    monkeypatch.setattr(queue_filters, "COUNT_CAP", 1)
    capped = page()
    assert capped.capped and capped.overdue == 1
    assert capped.counts == {priority: min(count, 1) for priority, count in shown.counts.items()}
