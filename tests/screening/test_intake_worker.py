"""Case intake beside the message path (PostgreSQL's `childsafe serve` default): every alert
still lands in its suspect's case, through a durable queue, and nothing is lost to a crash."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from childsafe.cases.intake import CaseEvidence, open_or_update_cases
from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.screening import Batcher, IncomingMessage, Screener
from childsafe.screening.intake_worker import CaseIntakeWorker
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case, CaseItem
from childsafe.store.tables.service import Account, Alert, PendingCaseIntake
from tests.helpers.api import GROOMING_LINES


def _accounts(database: Database) -> None:
    with database.session() as session:
        session.add(Account(id="adult30", age_band="adult", settings={}))
        session.add(Account(id="kid12", age_band="under_13", settings={}))


def _groom(screener: Screener | Batcher, conversation: str = "g") -> list[str]:
    """Send the grooming lines one batch each; the alert ids they raised."""
    alert_ids = []
    for n, line in enumerate(GROOMING_LINES):
        message = IncomingMessage(
            f"{conversation}-{n}", conversation, "adult30", ("kid12",), line, datetime.now(UTC)
        )
        if isinstance(screener, Batcher):
            answer = screener.submit(message).result(timeout=30)
        else:
            answer = screener.screen_batch([message])[0]
        assert isinstance(answer, dict)
        if answer["alert_id"]:
            alert_ids.append(answer["alert_id"])
    return alert_ids


def _count(database: Database, table: type) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _alert_items(database: Database) -> set[str]:
    with database.session() as session:
        return set(session.scalars(select(CaseItem.source_id).where(CaseItem.source == "alert")))


def test_alerts_are_queued_with_the_message_and_the_worker_opens_their_case(
    database: Database,
) -> None:
    _accounts(database)
    screener = Screener(database, Policy.default(), RiskTracker.default(), defer_case_intake=True)
    worker = CaseIntakeWorker(database, open_or_update_cases)  # drained by hand, not started
    alert_ids = _groom(screener)
    assert alert_ids
    with database.session() as session:
        queued = set(session.scalars(select(PendingCaseIntake.alert_id)))
    assert queued == set(alert_ids)
    assert _count(database, Case) == 0

    assert worker.drain() == len(alert_ids)
    assert _alert_items(database) == set(alert_ids)
    assert _count(database, PendingCaseIntake) == 0
    with database.session() as session:
        case = session.scalars(select(Case)).one()
    assert case.suspect_account_id == "adult30"
    assert case.item_count == len(alert_ids)
    assert worker.drain() == 0


def test_the_running_worker_follows_each_alert(database: Database) -> None:
    _accounts(database)
    worker = CaseIntakeWorker(database, open_or_update_cases, poll_s=60)
    worker.start()
    screener = Screener(database, Policy.default(), RiskTracker.default(), defer_case_intake=True)
    batcher = Batcher(screener, on_alert=worker.notify)  # as `childsafe serve` wires them
    alert_ids = _groom(batcher)
    batcher.close()
    deadline = time.monotonic() + 30  # woken by each batch, not by its minute-long poll
    while _count(database, PendingCaseIntake) and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.close()
    assert alert_ids and _alert_items(database) == set(alert_ids)
    assert _count(database, PendingCaseIntake) == 0


def test_intakes_left_by_a_crash_are_run_by_the_next_worker(database: Database) -> None:
    _accounts(database)
    crashed = Screener(database, Policy.default(), RiskTracker.default(), defer_case_intake=True)
    alert_ids = _groom(crashed)  # queued; its worker never ran
    assert _count(database, PendingCaseIntake) == len(alert_ids) > 0

    worker = CaseIntakeWorker(database, open_or_update_cases)
    worker.start()  # drains at start
    worker.close()
    assert _alert_items(database) == set(alert_ids)
    assert _count(database, PendingCaseIntake) == 0


def test_a_failing_intake_is_logged_and_left_while_the_others_go_through(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    _accounts(database)
    screener = Screener(database, Policy.default(), RiskTracker.default(), defer_case_intake=True)
    alert_ids = _groom(screener)
    assert len(alert_ids) >= 2
    poisoned = alert_ids[0]

    def intake(session: Session, evidences: Sequence[CaseEvidence]) -> list[str]:
        if any(evidence.source_id == poisoned for evidence in evidences):
            raise ValueError("broken intake")
        return open_or_update_cases(session, evidences)

    worker = CaseIntakeWorker(database, intake)
    with caplog.at_level(logging.ERROR, logger="childsafe.screening"):
        assert worker.drain() == len(alert_ids)
    assert f"case intake of alert {poisoned} failed; left pending" in caplog.text
    assert _alert_items(database) == set(alert_ids[1:])
    with database.session() as session:
        assert list(session.scalars(select(PendingCaseIntake.alert_id))) == [poisoned]
        assert session.get(Alert, poisoned) is not None
    assert worker.drain() == 0  # not retried in a loop by the same worker
