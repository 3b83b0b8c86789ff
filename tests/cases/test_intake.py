"""Contract C: alerts, reports and hash matches merge into one case per suspect, prioritised."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from childsafe import audit
from childsafe.cases import queue_filters
from childsafe.cases.intake import (
    SOURCES,
    CaseEvidence,
    IntakeError,
    open_or_update_case,
    open_or_update_cases,
)
from childsafe.cases.priority import CaseFacts, compute_priority
from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry, Case, CaseCue, CaseItem
from childsafe.store.tables.events import OutboxEvent
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


def _evidence(prefix: str, suspect: str, source_id: str, **kwargs: object) -> CaseEvidence:
    """Invented evidence about `prefix`+suspect; victims and source ids get the prefix too."""
    args: dict[str, object] = {
        "source": "alert",
        "victim_account_ids": ["kid"],
        "cues": ["secrecy"],
        "score": 0.3,
        "occurred_at": NOW,
    }
    args.update(kwargs)
    args["victim_account_ids"] = tuple(prefix + v for v in args["victim_account_ids"])  # type: ignore[attr-defined]
    args["cues"] = tuple(args["cues"])  # type: ignore[arg-type]
    return CaseEvidence(
        suspect_account_id=prefix + suspect,
        source_id=prefix + source_id,
        **args,  # type: ignore[arg-type]
    )


def _sequence(prefix: str) -> list[CaseEvidence]:
    """A batch that opens, merges, escalates, repeats and re-sends evidence."""
    return [
        _evidence(prefix, "s1", "a-2", cues=["gifts_flattery"], score=0.1),
        _evidence(prefix, "s2", "a-3", victim_account_ids=["kid2"]),
        _evidence(prefix, "s1", "r-1", source="report", cues=["reported_concern"], score=None),
        _evidence(prefix, "s2", "a-3", victim_account_ids=["kid2"]),  # the same alert again
        _evidence(prefix, "s1", "a-1"),  # joined its case before this batch
        _evidence(prefix, "s3", "m-1", source="hash_match", cues=[]),
        _evidence(prefix, "s2", "a-4", victim_account_ids=["kid", "kid2"], score=0.8),
        _evidence(
            prefix, "s1", "i-1", source="space_invite", cues=["meeting"], reasons=("invited",)
        ),
        _evidence(prefix, "s1", "a-5", occurred_at=NOW - timedelta(days=2), score=0.95),
    ]


def _stored(database: Database, prefix: str) -> dict[str, object]:
    """What intake wrote about `prefix`'s suspects, with ids and clock times left out."""

    def strip(value: object) -> object:
        if isinstance(value, str):
            return value.removeprefix(prefix)
        if isinstance(value, list | tuple):
            return [strip(v) for v in value]
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items()}
        return value

    with database.session() as session:
        cases = {
            case.id: case
            for case in session.scalars(
                select(Case).where(Case.suspect_account_id.startswith(prefix))
            )
        }
        suspect = {case_id: strip(case.suspect_account_id) for case_id, case in cases.items()}
        left_out = {"id", "suspect_account_id", "open_suspect_key"}
        left_out |= {"opened_at", "sla_due_at", "updated_at"}  # each call's own clock
        return {
            "cases": {
                suspect[case.id]: {
                    column.name: strip(getattr(case, column.name))
                    for column in Case.__table__.columns
                    if column.name not in left_out
                }
                for case in cases.values()
            },
            "sla": {suspect[c.id]: c.sla_due_at - c.opened_at for c in cases.values()},
            "items": sorted(
                (
                    suspect[i.case_id],
                    i.source,
                    strip(i.source_id),
                    strip(i.victim_account_ids),
                    i.cues,
                    i.score,
                    i.occurred_at,
                )
                for i in session.scalars(select(CaseItem).where(CaseItem.case_id.in_(cases)))
            ),
            "cues": sorted(
                (suspect[c.case_id], c.cue)
                for c in session.scalars(select(CaseCue).where(CaseCue.case_id.in_(cases)))
            ),
            "audit": [
                (e.action, suspect[e.target_id], strip(e.details))
                for e in session.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.target_id.in_(cases))
                    .order_by(AuditEntry.seq)
                )
            ],
            "events": sorted(
                (suspect[e.data["case_id"]], str(strip({**e.data, "case_id": None})))
                for e in session.scalars(
                    select(OutboxEvent).where(OutboxEvent.type == "case.opened")
                )
                if e.data["case_id"] in cases
            ),
        }


def test_a_batch_of_evidence_writes_what_one_intake_per_piece_writes(database: Database) -> None:
    """open_or_update_cases folds the whole batch in memory and writes it in a few statements:
    the cases, items, cues, audit entries and events must be those of one call per piece."""
    for prefix in ("one-", "all-"):
        add_accounts(
            database,
            **{prefix + "s1": "adult", prefix + "s2": "adult", prefix + "s3": "adult"},
            **{prefix + "kid": "13_15", prefix + "kid2": "under_13"},
        )
        with database.session() as session:  # an open case from before
            open_or_update_case(session, _evidence(prefix, "s1", "a-1"))
    with database.session() as session:
        one_by_one = [open_or_update_case(session, e) for e in _sequence("one-")]
    with database.session() as session:
        batched = open_or_update_cases(session, _sequence("all-"))

    def shape(case_ids: list[str]) -> list[int]:  # which pieces share a case
        return [case_ids.index(case_id) for case_id in case_ids]

    assert shape(batched) == shape(one_by_one)
    assert len(set(batched)) == 3
    first, everything = _stored(database, "one-"), _stored(database, "all-")
    # One entry per piece recorded (not for the repeat, nor for a-1 again); two escalations.
    assert [(action, suspect, details["source_id"], details["escalated"])  # type: ignore[index]
            for action, suspect, details in first["audit"]] == [  # type: ignore[attr-defined]
        ("case.opened", "s1", "a-1", False),
        ("case.updated", "s1", "a-2", False),
        ("case.opened", "s2", "a-3", False),
        ("case.updated", "s1", "r-1", False),
        ("case.opened", "s3", "m-1", False),
        ("case.updated", "s2", "a-4", True),  # a child under 13 and a score of 0.8
        ("case.updated", "s1", "i-1", False),
        ("case.updated", "s1", "a-5", True),  # a score of 0.95
    ]  # fmt: skip
    for key in ("cases", "items", "cues", "audit", "events"):
        assert everything[key] == first[key], key
    for suspect, sla in first["sla"].items():  # type: ignore[attr-defined]
        # Each call starts the clock at its own now: the same SLA, to the second.
        assert abs(everything["sla"][suspect] - sla) < timedelta(seconds=5)  # type: ignore[index]
    with database.session() as session:
        assert audit.verify_chain(session).ok


def test_one_bad_piece_fails_the_batch_and_writes_nothing(database: Database) -> None:
    """The caller (the screener, the intake worker) then retries piece by piece."""
    add_accounts(database, suspect="adult", kid="13_15")
    good = CaseEvidence("suspect", "alert", "alert-1", ("kid",), ("secrecy",), 0.4, NOW)
    with (
        pytest.raises(IntakeError, match="unknown suspect account 'nobody'"),
        database.session() as session,
    ):
        open_or_update_cases(
            session,
            [good, dataclasses.replace(good, suspect_account_id="nobody", source_id="alert-2")],
        )
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
        assert open_or_update_cases(session, []) == []


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


def _at_once(count: int, work: Callable[[int], None]) -> None:
    """work(0) .. work(count - 1), each in its own thread, released together; any error of
    theirs fails the test."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_concurrent_intake_opens_one_case_and_keeps_the_audit_chain(database: Database) -> None:
    add_accounts(database, suspect="adult", **{f"kid{i}": "13_15" for i in range(8)})
    results: list[str] = []

    def work(index: int) -> None:
        results.append(
            intake(database, source_id=f"alert-{index}", victim_account_ids=[f"kid{index}"])
        )

    _at_once(8, work)
    assert len(set(results)) == 1
    with database.session() as session:
        case = session.get(Case, results[0])
        assert case is not None and case.item_count == 8 and len(case.victim_account_ids) == 8
        assert audit.verify_chain(session).ok


def test_concurrent_batches_about_two_suspects_in_either_order(database: Database) -> None:
    """Batches lock two suspects' cases in opposite orders: the audit head's lock, taken
    first, orders them, so no deadlock, one case per suspect, every item, an intact chain."""
    add_accounts(database, s1="adult", s2="adult", kid="13_15")

    def work(index: int) -> None:
        suspects = ["s1", "s2"] if index % 2 else ["s2", "s1"]
        batch = [
            CaseEvidence(suspect, "alert", f"alert-{index}-{suspect}", ("kid",), ("secrecy",),
                         0.4, NOW)
            for suspect in suspects
        ]  # fmt: skip
        with database.session() as session:
            open_or_update_cases(session, batch)

    _at_once(6, work)
    with database.session() as session:
        cases = session.scalars(select(Case)).all()
        assert sorted((c.suspect_account_id, c.item_count) for c in cases) == [
            ("s1", 6),
            ("s2", 6),
        ]
        assert session.scalar(select(func.count()).select_from(CaseItem)) == 12
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
