"""Contract C: every alert, report and hash match lands in the one open case of its suspect.

Called inside the caller's transaction (the service calls it in the same transaction that stores
the alert), so the case and its source are committed together or not at all. Written with
SQLAlchemy Core statements built once, ten at most per intake: it runs for every alert on the
message path, where the ORM's flushes and per-call statement building cost several
milliseconds of CPU per alert.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cases.priority import CaseFacts, compute_priority, sla_due
from childsafe.events import emit
from childsafe.model.clock import as_utc, utcnow
from childsafe.store.tables.cases import Case, CaseCue, CaseItem
from childsafe.store.tables.service import Account

SOURCES = ("alert", "report", "hash_match", "space_invite")
# A known-abuse hash match is the most severe evidence there is, whatever cues came with it.
HASH_MATCH_CUE = "known_abuse_image"

CASES: Table = Case.__table__  # type: ignore[assignment]
ITEMS: Table = CaseItem.__table__  # type: ignore[assignment]
CUES: Table = CaseCue.__table__  # type: ignore[assignment]
ACCOUNTS: Table = Account.__table__  # type: ignore[assignment]

CASE_OF_SOURCE = select(ITEMS.c.case_id).where(
    ITEMS.c.source == bindparam("source"), ITEMS.c.source_id == bindparam("source_id")
)
OPEN_CASE = select(CASES).where(CASES.c.open_suspect_key == bindparam("suspect")).with_for_update()
AGE_BANDS = select(ACCOUNTS.c.id, ACCOUNTS.c.age_band).where(
    ACCOUNTS.c.id.in_(bindparam("ids", expanding=True))
)
INSERT_CASE = insert(CASES)
UPDATE_CASE = update(CASES).where(CASES.c.id == bindparam("case_id"))
INSERT_ITEM = insert(ITEMS)
INSERT_CUE = insert(CUES)


class IntakeError(ValueError):
    """The caller passed something intake cannot record (a programming error upstream)."""


@dataclass(frozen=True, slots=True)
class CaseEvidence:
    """One alert, report or hash match about a suspect: what intake merges into a case."""

    suspect_account_id: str
    source: str  # one of SOURCES
    source_id: str
    victim_account_ids: tuple[str, ...]
    cues: tuple[str, ...]
    score: float | None  # 0..1, None when the source has no score (a report)
    occurred_at: datetime
    # Plain words for a source the case has no other record of (a space invite): in the
    # case's audit trail.
    reasons: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """As queued in pending_case_intakes.arguments (occurred_at as ISO 8601)."""
        fields = asdict(self)
        fields["victim_account_ids"] = list(self.victim_account_ids)
        fields["cues"] = list(self.cues)
        if self.reasons:
            fields["reasons"] = list(self.reasons)
        else:  # evidence without reasons keeps the form queued rows had before them
            del fields["reasons"]
        fields["occurred_at"] = self.occurred_at.isoformat()
        return fields

    @classmethod
    def from_json(cls, fields: Mapping[str, Any]) -> CaseEvidence:
        return cls(
            suspect_account_id=fields["suspect_account_id"],
            source=fields["source"],
            source_id=fields["source_id"],
            victim_account_ids=tuple(fields["victim_account_ids"]),
            cues=tuple(fields["cues"]),
            score=fields["score"],
            occurred_at=datetime.fromisoformat(fields["occurred_at"]),
            reasons=tuple(fields.get("reasons", ())),
        )


# Contract C as a value: what a caller that is handed intake (the intake worker) calls.
CaseIntake = Callable[[Session, CaseEvidence], str]


def new_case_id() -> str:
    return "case_" + secrets.token_hex(8)


def open_or_update_case(session: Session, evidence: CaseEvidence) -> str:
    """Merge one piece of evidence into the suspect's open case (opening one if needed).

    Idempotent per (source, source_id): a retry returns the case it already joined.
    Returns the case id.
    """
    suspect_account_id, source, score = evidence.suspect_account_id, evidence.source, evidence.score
    if source not in SOURCES:
        raise IntakeError(f"unknown case source {source!r}; expected one of {SOURCES}")
    if score is not None and not 0.0 <= score <= 1.0:
        raise IntakeError(f"score must be between 0 and 1, got {score}")
    # Every intake takes the audit head's lock first, so intakes run one at a time: two can
    # never both open a case for the same suspect, and the case row read below stays current.
    audit.serialise_writes(session)
    connection = session.connection()
    existing = connection.execute(
        CASE_OF_SOURCE, {"source": source, "source_id": evidence.source_id}
    ).scalar()
    if existing is not None:
        return str(existing)

    case = connection.execute(OPEN_CASE, {"suspect": suspect_account_id}).one_or_none()
    victims = list(
        dict.fromkeys([*(case.victim_account_ids if case else []), *evidence.victim_account_ids])
    )
    bands = _age_bands(connection, [suspect_account_id, *victims])
    if suspect_account_id not in bands:
        raise IntakeError(f"unknown suspect account {suspect_account_id!r}")
    occurred_at = as_utc(evidence.occurred_at)
    now = utcnow()
    item_cues = list(
        dict.fromkeys([*evidence.cues, *([HASH_MATCH_CUE] if source == "hash_match" else [])])
    )
    merged_cues = list(dict.fromkeys([*(case.cues if case else []), *item_cues]))
    max_score = case.max_score if case else None
    if score is not None:
        max_score = score if max_score is None else max(max_score, score)
    last_activity_at = max(as_utc(case.last_activity_at), occurred_at) if case else occurred_at
    priority = compute_priority(
        CaseFacts(
            cues=merged_cues,
            victim_age_bands=[bands.get(victim, "unknown") for victim in victims],
            max_score=max_score,
            last_activity_at=last_activity_at,
        ),
        now,
    )
    values: dict[str, Any] = {
        "priority": priority.level.name,
        "priority_rank": priority.level.rank,
        "priority_score": priority.score,
        "priority_reasons": list(priority.reasons),
        "severity": priority.severity,
        "youngest_age_band": priority.youngest_age_band,
        "cues": merged_cues,
        "victim_account_ids": victims,
        "max_score": max_score,
        "last_activity_at": last_activity_at,
        "item_count": (case.item_count if case else 0) + 1,
    }
    if case is None:
        case_id = new_case_id()
        connection.execute(
            INSERT_CASE,
            {
                "id": case_id,
                "suspect_account_id": suspect_account_id,
                "open_suspect_key": suspect_account_id,
                "status": "open",
                "opened_at": now,
                "sla_due_at": sla_due(None, None, priority.level, now),
                **values,
            },
        )
        emit(
            connection,
            "case.opened",
            {
                "case_id": case_id,
                "suspect_id": suspect_account_id,
                "priority": priority.level.name,
                "source": source,
                "reasons": list(priority.reasons),
            },
            occurred_at=now,
        )
    else:
        case_id = case.id
        previous_due = as_utc(case.sla_due_at)
        connection.execute(
            UPDATE_CASE,
            {
                "case_id": case_id,
                "sla_due_at": sla_due(previous_due, case.priority_rank, priority.level, now),
                **values,
            },
        )
    # The queue's cue filter reads case_cues: the cues this evidence adds, one row each.
    known_cues = set(case.cues) if case else set()
    added_cues = [cue for cue in merged_cues if cue not in known_cues]
    if added_cues:
        connection.execute(INSERT_CUE, [{"case_id": case_id, "cue": cue} for cue in added_cues])
    connection.execute(
        INSERT_ITEM,
        {
            "case_id": case_id,
            "source": source,
            "source_id": evidence.source_id,
            "victim_account_ids": list(evidence.victim_account_ids),
            "cues": item_cues,
            "score": score,
            "occurred_at": occurred_at,
            "added_at": now,
        },
    )
    audit.record(
        session,
        actor=audit.SYSTEM,
        action="case.updated" if case else "case.opened",
        target_type="case",
        target_id=case_id,
        details={
            "source": source,
            "source_id": evidence.source_id,
            "priority": priority.level.name,
            "escalated": case is not None and priority.level.rank < case.priority_rank,
            **({"reason": "; ".join(evidence.reasons)} if evidence.reasons else {}),
        },
        at=now,
    )
    return case_id


def _age_bands(connection: Connection, account_ids: Sequence[str]) -> dict[str, str]:
    """Each known account's age band (unknown ids are left out)."""
    rows = connection.execute(AGE_BANDS, {"ids": list(set(account_ids))})
    return {row.id: row.age_band for row in rows}
