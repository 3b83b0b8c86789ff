"""Cases as a platform's own moderation tools read them over the API (GET /v1/cases): a page
of cases by filter, and one case with its items, alerts, reports, image matches and decisions,
each with its reasons in plain words. Read in the caller's transaction; plain JSON-able dicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from childsafe.cases.actions import ACTION_WORDS, ENFORCEMENT
from childsafe.cases.appeals import decider_name
from childsafe.cases.held_messages import of_case
from childsafe.cases.timeline import load_case
from childsafe.model.clock import as_utc
from childsafe.store.tables.cases import Case, CaseAction, Referral
from childsafe.store.tables.hashbanks import HashBank, HashMatch
from childsafe.store.tables.service import Alert

STATUSES = ("open", "in_progress", "closed")
PRIORITIES = ("P1", "P2", "P3", "P4")


@dataclass(frozen=True, slots=True)
class CaseFilter:
    status: str | None = None
    priority: str | None = None
    suspect_account_id: str | None = None
    since: datetime | None = None  # opened at or after


@dataclass(frozen=True, slots=True)
class CaseListing:
    cases: list[dict[str, Any]]
    # (opened_at, id) of the last case when more follow: where the next page starts.
    last: tuple[datetime, str] | None


def summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "status": case.status,
        "outcome": case.outcome,
        "priority": case.priority,
        "priority_reasons": list(case.priority_reasons),
        "severity": case.severity,
        "suspect_account_id": case.suspect_account_id,
        "victim_account_ids": list(case.victim_account_ids),
        "item_count": case.item_count,
        "opened_at": as_utc(case.opened_at),
        "last_activity_at": as_utc(case.last_activity_at),
        "sla_due_at": as_utc(case.sla_due_at),
        "closed_at": as_utc(case.closed_at) if case.closed_at else None,
    }


def list_cases(
    session: Session, where: CaseFilter, limit: int, after: tuple[datetime, str] | None
) -> CaseListing:
    """Cases newest first by when they were opened, `limit` per page."""
    query = select(Case).order_by(Case.opened_at.desc(), Case.id.desc()).limit(limit + 1)
    if where.status is not None:
        query = query.where(Case.status == where.status)
    if where.priority is not None:
        query = query.where(Case.priority == where.priority)
    if where.suspect_account_id is not None:
        query = query.where(Case.suspect_account_id == where.suspect_account_id)
    if where.since is not None:
        query = query.where(Case.opened_at >= as_utc(where.since))
    if after is not None:
        opened, case_id = after
        query = query.where(
            or_(Case.opened_at < opened, and_(Case.opened_at == opened, Case.id < case_id))
        )
    rows = list(session.scalars(query))
    page = rows[:limit]
    last = (as_utc(page[-1].opened_at), page[-1].id) if len(rows) > limit else None
    return CaseListing([summary(case) for case in page], last)


def _alert(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "conversation_id": alert.conversation_id,
        "message_id": alert.message_id,
        "priority": alert.priority,
        "score": alert.score,
        "cues": list(alert.cues),
        "reasons": [str(reason.get("description", reason.get("rule"))) for reason in alert.reasons],
        "created_at": as_utc(alert.created_at),
    }


def _decisions(session: Session, case_id: str) -> list[dict[str, Any]]:
    actions = session.scalars(
        select(CaseAction).where(CaseAction.case_id == case_id).order_by(CaseAction.created_at)
    ).all()
    return [
        {
            "id": action.id,
            "decision": action.kind,
            "enforcement": ENFORCEMENT.get(action.kind),
            "reasons": [ACTION_WORDS.get(action.kind, action.kind), action.reason],
            "decided_by": decider_name(session, action.actor),
            "decided_by_kind": "automated" if action.automated_decision else "human",
            "decided_at": as_utc(action.created_at),
        }
        for action in actions
    ]


def _matches(session: Session, case_id: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(HashMatch, HashBank.name)
        .join(HashBank, HashBank.id == HashMatch.bank_id)
        .where(HashMatch.case_id == case_id)
        .order_by(HashMatch.created_at)
    ).all()
    return [
        {
            "id": match.id,
            "media_id": match.media_id,
            "bank": bank,
            "kind": match.kind,
            "distance": match.distance,
            "reasons": [
                f"The image matches an entry of the hash bank {bank} "
                f"({match.kind}, distance {match.distance}, {match.transform})"
            ],
            "created_at": as_utc(match.created_at),
        }
        for match, bank in rows
    ]


def case_document(session: Session, case_id: str) -> dict[str, Any] | None:
    """One case with everything a platform's moderator needs to decide; None if unknown."""
    contents = load_case(session, case_id, message_limit=0)  # the API sends no transcript
    if contents is None:
        return None
    referrals = session.scalars(
        select(Referral).where(Referral.case_id == case_id).order_by(Referral.requested_at)
    ).all()
    return {
        **summary(contents.case),
        "cues": list(contents.case.cues),
        "items": [
            {
                "source": item.source,
                "source_id": item.source_id,
                "cues": list(item.cues),
                "score": item.score,
                "occurred_at": as_utc(item.occurred_at),
            }
            for item in contents.items
        ],
        "alerts": [_alert(alert) for alert in contents.alerts],
        "reports": [
            {
                "id": report.id,
                "reference": report.reference,
                "reporter_account_id": report.reporter_account_id,
                "category": report.category,
                "surface": report.surface,
                "details": report.details,
                "created_at": as_utc(report.created_at),
            }
            for report in contents.reports
        ],
        "matches": _matches(session, case_id),
        "decisions": _decisions(session, case_id),
        "referrals": [
            {
                "id": referral.id,
                "status": referral.status,
                "requested_at": as_utc(referral.requested_at),
            }
            for referral in referrals
        ],
        "held_messages": [
            {
                "message_id": held.id,
                "received_at": as_utc(held.received_at),
                "reasons": held.reasons,
                "review": held.review.decision if held.review else None,
            }
            for held in of_case(session, case_id)
        ],
    }
