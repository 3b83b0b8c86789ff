"""Contract C: alerts, reports and hash matches merge into one case per suspect, prioritised."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from childsafe import audit
from childsafe.cases import queue_filters
from childsafe.cases.intake import SOURCES, CaseEvidence, IntakeError, open_or_update_case
from childsafe.cases.priority import CaseFacts, compute_priority
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case, CaseItem
from childsafe.store.tables.service import Account

NOW = datetime.now(UTC)


def add_accounts(database: Database, **bands: str) -> None:
    with database.session() as session:
        for account_id, band in bands.items():
            session.add(Account(id=account_id, age_band=band, display_name=account_id, settings={}))


def intake(database: Database, **kwargs: object) -> str:
    args: dict[str, object] = {
        "suspect_account_id": "suspect",
        "source": "alert",
        "source_id": "alert-1",
        "victim_account_ids": ["kid"],
        "cues": ["secrecy"],
        "score": 0.4,
        "occurred_at": NOW,
    }
    args.update(kwargs)
    with database.session() as session:
        return open_or_update_case(session, CaseEvidence(**args))  # type: ignore[arg-type]


def test_alert_report_and_hash_match_about_one_suspect_merge(database: Database) -> None:
    add_accounts(database, suspect="adult", kid="13_15", kid2="under_13", other="adult")
    first = intake(database)
    second = intake(database, source="report", source_id="rep-1", cues=["reported_concern"])
    third = intake(
        database, source="hash_match", source_id="m-1", victim_account_ids=["kid2"], cues=[]
    )
    unrelated = intake(database, suspect_account_id="other", source_id="alert-2")
    assert first == second == third != unrelated
    with database.session() as session:
        case = session.get(Case, first)
        assert case is not None
        assert case.item_count == 3
        assert case.victim_account_ids == ["kid", "kid2"]
        assert case.youngest_age_band == "under_13"
        assert "known_abuse_image" in case.cues
        # A known-abuse image involving a child is always P1 with a one-hour clock.
        assert case.priority == "P1"
        items = session.scalars(select(CaseItem.source).where(CaseItem.case_id == first)).all()
        assert sorted(items) == ["alert", "hash_match", "report"]


def test_intake_is_idempotent_per_source(database: Database) -> None:
    add_accounts(database, suspect="adult", kid="13_15")
    assert intake(database) == intake(database)
    with database.session() as session:
        assert session.scalar(select(Case.item_count)) == 1


def test_escalation_raises_priority_and_brings_the_clock_closer(database: Database) -> None:
    add_accounts(database, suspect="adult", kid="16_17")
    case_id = intake(database, cues=["gifts_flattery"], score=0.2)
    with database.session() as session:
        before = session.get(Case, case_id)
        assert before is not None
        rank_before, due_before = before.priority_rank, before.sla_due_at
    intake(database, source_id="alert-2", cues=["threat_sextortion"], score=0.9)
    with database.session() as session:
        after = session.get(Case, case_id)
        assert after is not None
        assert after.priority == "P1" and after.priority_rank < rank_before
        assert after.sla_due_at < due_before
        assert any("sextortion" in reason for reason in after.priority_reasons)


def test_closed_case_means_new_evidence_opens_a_new_case(database: Database) -> None:
    add_accounts(database, suspect="adult", kid="13_15")
    first = intake(database)
    with database.session() as session:
        case = session.get(Case, first)
        assert case is not None
        case.status, case.open_suspect_key = "closed", None
    assert intake(database, source_id="alert-2") != first


def test_bad_input_is_refused(database: Database) -> None:
    add_accounts(database, suspect="adult")
    with pytest.raises(IntakeError, match="unknown case source"):
        intake(database, source="rumour")
    with pytest.raises(IntakeError, match="unknown suspect"):
        intake(database, suspect_account_id="nobody")
    with pytest.raises(IntakeError, match="score"):
        intake(database, score=3.0)


def facts(**kwargs: object) -> CaseFacts:
    base: dict[str, object] = {
        "cues": ["secrecy"],
        "victim_age_bands": ["13_15"],
        "max_score": 0.5,
        "last_activity_at": NOW,
    }
    base.update(kwargs)
    return CaseFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("worse", "better"),
    [
        ({"cues": ["meeting"]}, {"cues": ["gifts_flattery"]}),
        ({"cues": ["image_request"]}, {"cues": ["personal_info"]}),
        ({"victim_age_bands": ["under_13"]}, {"victim_age_bands": ["16_17"]}),
        ({"victim_age_bands": ["13_15"] * 4}, {"victim_age_bands": ["13_15"]}),
        ({"max_score": 0.95}, {"max_score": 0.1}),
        ({"last_activity_at": NOW}, {"last_activity_at": NOW - timedelta(days=10)}),
    ],
)
def test_each_factor_moves_the_priority_score(worse: dict, better: dict) -> None:
    assert (
        compute_priority(facts(**worse), NOW).score > compute_priority(facts(**better), NOW).score
    )


def test_the_worst_case_is_p1_and_a_mild_one_is_not() -> None:
    worst = compute_priority(
        facts(cues=["meeting", "sexual"], victim_age_bands=["under_13", "13_15"], max_score=0.9),
        NOW,
    )
    mild = compute_priority(
        facts(cues=["gifts_flattery"], victim_age_bands=["16_17"], max_score=0.1), NOW
    )
    assert worst.level.name == "P1"
    assert mild.level.rank >= 3
    assert mild.level.sla > worst.level.sla


def test_concurrent_intake_opens_one_case_and_keeps_the_audit_chain(database: Database) -> None:
    add_accounts(database, suspect="adult", **{f"kid{i}": "13_15" for i in range(8)})
    barrier = threading.Barrier(8)
    results: list[str] = []
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            barrier.wait()
            results.append(
                intake(database, source_id=f"alert-{index}", victim_account_ids=[f"kid{index}"])
            )
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(set(results)) == 1
    with database.session() as session:
        case = session.get(Case, results[0])
        assert case is not None and case.item_count == 8 and len(case.victim_account_ids) == 8
        assert audit.verify_chain(session).ok


def test_queued_evidence_keeps_the_pending_rows_json_form() -> None:
    """pending_case_intakes.arguments rows written before CaseEvidence still read back."""
    stored = {
        "suspect_account_id": "suspect",
        "source": "alert",
        "source_id": "alert-1",
        "victim_account_ids": ["kid"],
        "cues": ["secrecy"],
        "score": 0.4,
        "occurred_at": NOW.isoformat(),
    }
    evidence = CaseEvidence.from_json(stored)
    assert evidence.occurred_at == NOW and evidence.victim_account_ids == ("kid",)
    assert evidence.to_json() == stored
    assert list(evidence.to_json()) == list(stored)


def test_the_queue_can_filter_by_every_source_intake_takes() -> None:
    assert set(queue_filters.SOURCES) == set(SOURCES)
