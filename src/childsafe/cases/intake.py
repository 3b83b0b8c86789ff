"""Contract C: every alert, report and hash match lands in the one open case of its suspect.

Called inside the caller's transaction (the service calls it in the same transaction that stores
the alert), so the case and its source are committed together or not at all. Written with
SQLAlchemy Core statements built once, about ten per call whatever the evidence: it runs for
every batch of alerts on the message path, where the ORM's flushes and per-call statement
building cost several milliseconds of CPU per alert, and ten statements per alert more than
the rest of the batch's screening.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cases.priority import CaseFacts, Priority, compute_priority, sla_due
from childsafe.events.outbox import emit_rows, event_row
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

CASES_OF_SOURCE = select(ITEMS.c.source_id, ITEMS.c.case_id).where(
    ITEMS.c.source == bindparam("source"), ITEMS.c.source_id.in_(bindparam("ids", expanding=True))
)
OPEN_CASES = (
    select(CASES)
    .where(CASES.c.open_suspect_key.in_(bindparam("suspects", expanding=True)))
    .order_by(CASES.c.id)
    .with_for_update()
)
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
CaseIntake = Callable[[Session, Sequence[CaseEvidence]], list[str]]


def new_case_id() -> str:
    return "case_" + secrets.token_hex(8)


def open_or_update_case(session: Session, evidence: CaseEvidence) -> str:
    """Merge one piece of evidence into the suspect's open case (opening one if needed).

    Idempotent per (source, source_id): a retry returns the case it already joined.
    Returns the case id.
    """
    return open_or_update_cases(session, [evidence])[0]


@dataclass(slots=True)
class _Draft:
    """A suspect's open case while evidence merges into it (written once, at the end)."""

    id: str
    suspect_account_id: str
    stored: bool  # the row exists: updated, not inserted
    stored_cues: frozenset[str]  # those already in case_cues
    victim_account_ids: list[str]
    cues: list[str]
    max_score: float | None
    last_activity_at: datetime | None
    item_count: int
    priority_rank: int | None
    sla_due_at: datetime | None
    values: dict[str, Any] = field(default_factory=dict)


def open_or_update_cases(session: Session, evidences: Sequence[CaseEvidence]) -> list[str]:
    """Merge each piece of evidence, in order, into its suspect's open case; the cases, items,
    events and audit entries are exactly those of one `open_or_update_case` per piece, in about
    ten statements for the whole sequence (a batch's alerts on the message path).

    Raises IntakeError, having written nothing, if any piece cannot be recorded.
    """
    for evidence in evidences:
        _check(evidence)
    if not evidences:
        return []
    # Every intake takes the audit head's lock first, so intakes run one at a time: two can
    # never both open a case for the same suspect, and the case rows read below stay current.
    audit.serialise_writes(session)
    connection = session.connection()
    joined = _cases_of_sources(connection, evidences)
    suspects = sorted({e.suspect_account_id for e in evidences if _key(e) not in joined})
    drafts = {
        row.suspect_account_id: _draft_of(row)
        for row in connection.execute(OPEN_CASES, {"suspects": suspects})
    }
    bands = _age_bands(
        connection,
        [
            *suspects,
            *(victim for e in evidences for victim in e.victim_account_ids),
            *(victim for draft in drafts.values() for victim in draft.victim_account_ids),
        ],
    )
    now = utcnow()
    case_ids: list[str] = []
    items: list[dict[str, Any]] = []
    opened: list[dict[str, Any]] = []
    entries: list[audit.Entry] = []
    for evidence in evidences:
        if _key(evidence) in joined:
            case_ids.append(joined[_key(evidence)])
            continue
        if evidence.suspect_account_id not in bands:
            raise IntakeError(f"unknown suspect account {evidence.suspect_account_id!r}")
        draft = drafts.get(evidence.suspect_account_id)
        is_new = draft is None
        if draft is None:
            draft = drafts[evidence.suspect_account_id] = _new_draft(evidence.suspect_account_id)
        previous_rank = draft.priority_rank
        priority, item = _merge(draft, evidence, bands, now)
        if is_new:
            opened.append(
                event_row(
                    "case.opened",
                    {
                        "case_id": draft.id,
                        "suspect_id": evidence.suspect_account_id,
                        "priority": priority.level.name,
                        "source": evidence.source,
                        "reasons": list(priority.reasons),
                    },
                    occurred_at=now,
                )
            )
        items.append(item)
        entries.append(
            audit.Entry(
                actor=audit.SYSTEM,
                action="case.opened" if is_new else "case.updated",
                target_type="case",
                target_id=draft.id,
                details={
                    "source": evidence.source,
                    "source_id": evidence.source_id,
                    "priority": priority.level.name,
                    "escalated": previous_rank is not None and priority.level.rank < previous_rank,
                    **({"reason": "; ".join(evidence.reasons)} if evidence.reasons else {}),
                },
                at=now,
            )
        )
        joined[_key(evidence)] = draft.id
        case_ids.append(draft.id)
    _write(connection, [d for d in drafts.values() if d.values], items, now)
    emit_rows(connection, opened)
    audit.record_many(session, entries)
    return case_ids


def _check(evidence: CaseEvidence) -> None:
    if evidence.source not in SOURCES:
        raise IntakeError(f"unknown case source {evidence.source!r}; expected one of {SOURCES}")
    score = evidence.score
    if score is not None and not 0.0 <= score <= 1.0:
        raise IntakeError(f"score must be between 0 and 1, got {score}")


def _key(evidence: CaseEvidence) -> tuple[str, str]:
    return evidence.source, evidence.source_id


def _cases_of_sources(
    connection: Connection, evidences: Sequence[CaseEvidence]
) -> dict[tuple[str, str], str]:
    """The case each already recorded piece of evidence joined (one read per source)."""
    by_source: dict[str, set[str]] = {}
    for evidence in evidences:
        by_source.setdefault(evidence.source, set()).add(evidence.source_id)
    joined = {}
    for source, source_ids in by_source.items():
        rows = connection.execute(CASES_OF_SOURCE, {"source": source, "ids": sorted(source_ids)})
        joined.update({(source, row.source_id): str(row.case_id) for row in rows})
    return joined


def _draft_of(case: Any) -> _Draft:
    return _Draft(
        id=case.id,
        suspect_account_id=case.suspect_account_id,
        stored=True,
        stored_cues=frozenset(case.cues),
        victim_account_ids=list(case.victim_account_ids),
        cues=list(case.cues),
        max_score=case.max_score,
        last_activity_at=as_utc(case.last_activity_at),
        item_count=case.item_count,
        priority_rank=case.priority_rank,
        sla_due_at=as_utc(case.sla_due_at),
    )


def _new_draft(suspect_account_id: str) -> _Draft:
    return _Draft(
        id=new_case_id(),
        suspect_account_id=suspect_account_id,
        stored=False,
        stored_cues=frozenset(),
        victim_account_ids=[],
        cues=[],
        max_score=None,
        last_activity_at=None,
        item_count=0,
        priority_rank=None,
        sla_due_at=None,
    )


def _merge(
    draft: _Draft, evidence: CaseEvidence, bands: Mapping[str, str], now: datetime
) -> tuple[Priority, dict[str, Any]]:
    """Fold one piece of evidence into the draft; returns the new priority and the item row."""
    draft.victim_account_ids = list(
        dict.fromkeys([*draft.victim_account_ids, *evidence.victim_account_ids])
    )
    occurred_at = as_utc(evidence.occurred_at)
    extra = [HASH_MATCH_CUE] if evidence.source == "hash_match" else []
    item_cues = list(dict.fromkeys([*evidence.cues, *extra]))
    draft.cues = list(dict.fromkeys([*draft.cues, *item_cues]))
    if evidence.score is not None:
        draft.max_score = (
            evidence.score if draft.max_score is None else max(draft.max_score, evidence.score)
        )
    draft.last_activity_at = (
        occurred_at if draft.last_activity_at is None else max(draft.last_activity_at, occurred_at)
    )
    priority = compute_priority(
        CaseFacts(
            cues=draft.cues,
            victim_age_bands=[bands.get(victim, "unknown") for victim in draft.victim_account_ids],
            max_score=draft.max_score,
            last_activity_at=draft.last_activity_at,
        ),
        now,
    )
    draft.sla_due_at = sla_due(draft.sla_due_at, draft.priority_rank, priority.level, now)
    draft.priority_rank = priority.level.rank
    draft.item_count += 1
    draft.values = {
        "priority": priority.level.name,
        "priority_rank": priority.level.rank,
        "priority_score": priority.score,
        "priority_reasons": list(priority.reasons),
        "severity": priority.severity,
        "youngest_age_band": priority.youngest_age_band,
        "cues": draft.cues,
        "victim_account_ids": draft.victim_account_ids,
        "max_score": draft.max_score,
        "last_activity_at": draft.last_activity_at,
        "item_count": draft.item_count,
        "sla_due_at": draft.sla_due_at,
    }
    item = {
        "case_id": draft.id,
        "source": evidence.source,
        "source_id": evidence.source_id,
        "victim_account_ids": list(evidence.victim_account_ids),
        "cues": item_cues,
        "score": evidence.score,
        "occurred_at": occurred_at,
        "added_at": now,
    }
    return priority, item


def _write(
    connection: Connection, drafts: Sequence[_Draft], items: Sequence[dict[str, Any]], now: datetime
) -> None:
    """The merged cases, their new cues and the items, one statement each."""
    inserted = [
        {
            "id": d.id,
            "suspect_account_id": d.suspect_account_id,
            "open_suspect_key": d.suspect_account_id,
            "status": "open",
            "opened_at": now,
            **d.values,
        }
        for d in drafts
        if not d.stored
    ]
    updated = [{"case_id": d.id, **d.values} for d in drafts if d.stored]
    # The queue's cue filter reads case_cues: the cues this evidence adds, one row each.
    cues = [
        {"case_id": d.id, "cue": cue} for d in drafts for cue in d.cues if cue not in d.stored_cues
    ]
    if inserted:
        connection.execute(INSERT_CASE, inserted)
    if updated:
        connection.execute(UPDATE_CASE, updated)
    if cues:
        connection.execute(INSERT_CUE, cues)
    if items:
        connection.execute(INSERT_ITEM, list(items))


def _age_bands(connection: Connection, account_ids: Sequence[str]) -> dict[str, str]:
    """Each known account's age band (unknown ids are left out)."""
    rows = connection.execute(AGE_BANDS, {"ids": list(set(account_ids))})
    return {row.id: row.age_band for row in rows}
