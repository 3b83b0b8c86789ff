"""Contract C: every alert, report and hash match lands in the one open case of its suspect.

Called inside the caller's transaction (the service calls it in the same transaction that stores
the alert), so the case and its source are committed together or not at all.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from childsafe.cases import audit
from childsafe.cases.clock import as_utc, utcnow
from childsafe.cases.priority import CaseFacts, compute_priority, sla_due
from childsafe.store.tables.cases import Case, CaseItem
from childsafe.store.tables.service import Account

SOURCES = ("alert", "report", "hash_match")
# A known-abuse hash match is the most severe evidence there is, whatever cues came with it.
HASH_MATCH_CUE = "known_abuse_image"


class IntakeError(ValueError):
    """The caller passed something intake cannot record (a programming error upstream)."""


def new_case_id() -> str:
    return "case_" + secrets.token_hex(8)


def open_or_update_case(
    session: Session,
    *,
    suspect_account_id: str,
    source: str,
    source_id: str,
    victim_account_ids: Sequence[str],
    cues: Sequence[str],
    score: float | None,
    occurred_at: datetime,
) -> str:
    """Merge one piece of evidence into the suspect's open case (opening one if needed).

    Idempotent per (source, source_id): a retry returns the case it already joined.
    Returns the case id.
    """
    if source not in SOURCES:
        raise IntakeError(f"unknown case source {source!r}; expected one of {SOURCES}")
    if score is not None and not 0.0 <= score <= 1.0:
        raise IntakeError(f"score must be between 0 and 1, got {score}")
    audit.serialise_writes(session)
    existing = session.scalar(
        select(CaseItem.case_id).where(CaseItem.source == source, CaseItem.source_id == source_id)
    )
    if existing is not None:
        return existing

    if session.get(Account, suspect_account_id) is None:
        raise IntakeError(f"unknown suspect account {suspect_account_id!r}")
    occurred_at = as_utc(occurred_at)
    now = utcnow()
    item_cues = list(dict.fromkeys([*cues, *([HASH_MATCH_CUE] if source == "hash_match" else [])]))
    case, opened = _open_case_for(session, suspect_account_id, occurred_at, now)
    session.add(
        CaseItem(
            case_id=case.id,
            source=source,
            source_id=source_id,
            victim_account_ids=list(victim_account_ids),
            cues=item_cues,
            score=score,
            occurred_at=occurred_at,
            added_at=now,
        )
    )
    case.cues = list(dict.fromkeys([*case.cues, *item_cues]))
    case.victim_account_ids = list(dict.fromkeys([*case.victim_account_ids, *victim_account_ids]))
    if score is not None:
        case.max_score = score if case.max_score is None else max(case.max_score, score)
    case.last_activity_at = max(as_utc(case.last_activity_at), occurred_at)
    case.item_count += 1

    previous_rank = None if opened else case.priority_rank
    previous_due = None if opened else as_utc(case.sla_due_at)
    priority = compute_priority(
        CaseFacts(
            cues=case.cues,
            victim_age_bands=_age_bands(session, case.victim_account_ids),
            max_score=case.max_score,
            last_activity_at=case.last_activity_at,
        ),
        now,
    )
    case.priority = priority.level.name
    case.priority_rank = priority.level.rank
    case.priority_score = priority.score
    case.priority_reasons = list(priority.reasons)
    case.severity = priority.severity
    case.youngest_age_band = priority.youngest_age_band
    case.sla_due_at = sla_due(previous_due, previous_rank, priority.level, now)
    session.flush()
    audit.record(
        session,
        actor=audit.SYSTEM,
        action="case.opened" if opened else "case.updated",
        target_type="case",
        target_id=case.id,
        details={
            "source": source,
            "source_id": source_id,
            "priority": case.priority,
            "escalated": previous_rank is not None and case.priority_rank < previous_rank,
        },
        at=now,
    )
    return case.id


def _open_case_for(
    session: Session, suspect_account_id: str, occurred_at: datetime, now: datetime
) -> tuple[Case, bool]:
    """The suspect's open case, locked for update, or a new one (True when new)."""
    for _attempt in range(3):
        case = session.scalar(
            select(Case).where(Case.open_suspect_key == suspect_account_id).with_for_update()
        )
        if case is not None:
            return case, False
        case = Case(
            id=new_case_id(),
            suspect_account_id=suspect_account_id,
            open_suspect_key=suspect_account_id,
            status="open",
            # Placeholders until the priority is computed a few lines later in the same flush.
            priority="P4",
            priority_rank=4,
            priority_score=0.0,
            priority_reasons=[],
            severity="none",
            cues=[],
            victim_account_ids=[],
            youngest_age_band="unknown",
            max_score=None,
            item_count=0,
            opened_at=now,
            last_activity_at=occurred_at,
            sla_due_at=now,
        )
        try:
            # A concurrent transaction may open the same suspect's case first: the unique
            # open_suspect_key makes ours fail, and the retry then finds and merges into theirs.
            with session.begin_nested():
                session.add(case)
        except IntegrityError:
            continue
        return case, True
    raise IntakeError(f"could not open or find a case for suspect {suspect_account_id!r}")


def _age_bands(session: Session, account_ids: Sequence[str]) -> list[str]:
    if not account_ids:
        return []
    rows = session.execute(
        select(Account.id, Account.age_band).where(Account.id.in_(list(account_ids)))
    )
    known = {row.id: row.age_band for row in rows}
    return [known.get(account_id, "unknown") for account_id in account_ids]
