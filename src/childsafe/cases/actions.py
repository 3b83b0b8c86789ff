"""What moderators decide on a case, and the two-person rule for referrals.

Each function runs in the caller's transaction and writes its audit entry there, so a decision
and its record commit together. Refusals raise ActionRefused with a message for the person.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cases.evidence import seal_evidence
from childsafe.cases.roles import Permission, allowed
from childsafe.model.clock import as_utc, utcnow
from childsafe.store.tables.cases import Case, CaseAction, CaseItem, ConsoleUser, Referral

# Decisions about the suspect's account, mildest first. Dismiss closes the case (refused while
# a referral awaits approval, like closing).
ACTIONS = ("dismiss", "warn", "restrict", "suspend", "preserve")
ACTION_WORDS = {
    "dismiss": "Dismissed: no action against the account",
    "warn": "Warned the account holder",
    "restrict": "Restricted the account (cannot contact children)",
    "suspend": "Suspended the account",
    "preserve": "Preserved evidence",
    "refer": "Referred to the authorities",
}
MAX_REASON = 2000


class ActionRefused(Exception):
    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def actor_id(user: ConsoleUser) -> str:
    return f"user:{user.id}"


def _require(user: ConsoleUser, permission: Permission) -> None:
    if not user.active or not allowed(user.role, permission):
        raise ActionRefused(f"your role ({user.role}) may not do this", status=403)


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ActionRefused("please give a reason (it is kept in the audit log)", status=400)
    if len(reason) > MAX_REASON:
        raise ActionRefused(f"the reason is too long (at most {MAX_REASON} characters)", 400)
    return reason


def _case(session: Session, case_id: str) -> Case:
    audit.serialise_writes(session)
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None:
        raise ActionRefused(f"no case {case_id}", status=404)
    return case


def _record(session: Session, case: Case, kind: str, user: ConsoleUser, reason: str) -> CaseAction:
    now = utcnow()
    automated = (
        session.scalar(
            select(CaseItem.id).where(CaseItem.case_id == case.id, CaseItem.source != "report")
        )
        is not None
    )
    action = CaseAction(
        id="act_" + secrets.token_hex(8),
        case_id=case.id,
        kind=kind,
        actor_user_id=user.id,
        reason=reason,
        priority=case.priority,
        severity=case.severity,
        automated_detection=automated,
        created_at=now,
    )
    session.add(action)
    if case.first_action_at is None:
        _start_work(case, now)
    return action


def _start_work(case: Case, now: datetime) -> None:
    case.first_action_at = now
    case.first_action_seconds = (now - as_utc(case.opened_at)).total_seconds()
    case.first_action_within_sla = now <= as_utc(case.sla_due_at)
    if case.status == "open":
        case.status = "in_progress"


def take_action(
    session: Session, case_id: str, kind: str, user: ConsoleUser, reason: str
) -> CaseAction:
    """Dismiss, warn, restrict, suspend or preserve; dismissing closes the case."""
    _require(user, Permission.ACT)
    if not kind:
        raise ActionRefused("choose a decision first", 400)
    if kind not in ACTIONS:
        raise ActionRefused(f"unknown action {kind!r}; choose one of {', '.join(ACTIONS)}", 400)
    reason = _clean_reason(reason)
    case = _case(session, case_id)
    if case.status == "closed":
        raise ActionRefused("this case is closed; new evidence about the suspect opens a new one")
    if kind == "dismiss" and _pending_referral(session, case.id) is not None:
        raise ActionRefused(
            "a referral of this case awaits a second specialist: it must be approved or "
            "rejected before the case can be dismissed"
        )
    action = _record(session, case, kind, user, reason)
    details: dict[str, str] = {"action_id": action.id, "reason": reason}
    if kind == "preserve":
        bundle = seal_evidence(session, case.id, sealed_by=actor_id(user))
        details["bundle_id"] = bundle.id
    if kind == "dismiss":
        _close(case, "dismissed")
    elif kind != "preserve":
        case.outcome = kind
    session.flush()
    audit.record(
        session,
        actor=actor_id(user),
        action=f"case.{kind}",
        target_type="case",
        target_id=case.id,
        details=details,
    )
    return action


def close_case(session: Session, case_id: str, user: ConsoleUser, reason: str) -> None:
    """Resolve a case that has been acted on (its outcome is the last decision taken)."""
    _require(user, Permission.ACT)
    reason = _clean_reason(reason)
    case = _case(session, case_id)
    if case.status == "closed":
        raise ActionRefused("this case is already closed")
    if case.first_action_at is None:
        raise ActionRefused("take a decision (dismiss, warn, restrict, suspend) before closing")
    pending = _pending_referral(session, case.id)
    if pending is not None:
        raise ActionRefused("a referral awaits a second specialist's approval")
    _close(case, case.outcome or "resolved")
    audit.record(
        session,
        actor=actor_id(user),
        action="case.closed",
        target_type="case",
        target_id=case.id,
        details={"reason": reason, "outcome": case.outcome},
    )


def _close(case: Case, outcome: str) -> None:
    case.status = "closed"
    case.outcome = outcome
    case.open_suspect_key = None
    case.closed_at = utcnow()


def _pending_referral(session: Session, case_id: str) -> Referral | None:
    return session.scalar(
        select(Referral).where(Referral.case_id == case_id, Referral.status == "pending")
    )


def check_exportable(session: Session, case_id: str) -> None:
    """A case's referral may be downloaded for the authorities only once a second specialist
    approved it."""
    approved = session.scalar(
        select(Referral.id).where(Referral.case_id == case_id, Referral.status == "approved")
    )
    if approved is None:
        raise ActionRefused(
            "This case has no approved referral yet: a second specialist must approve it."
        )


def request_referral(session: Session, case_id: str, user: ConsoleUser, reason: str) -> Referral:
    """A specialist proposes referring the case; a different specialist must approve it."""
    _require(user, Permission.REFER)
    reason = _clean_reason(reason)
    case = _case(session, case_id)
    if case.status == "closed":
        raise ActionRefused("this case is closed")
    if _pending_referral(session, case.id) is not None:
        raise ActionRefused("a referral for this case already awaits approval")
    referral = Referral(
        id="ref_" + secrets.token_hex(8),
        case_id=case.id,
        status="pending",
        reason=reason,
        requested_by=user.id,
        requested_at=utcnow(),
    )
    session.add(referral)
    if case.first_action_at is None:
        _start_work(case, referral.requested_at)
    session.flush()
    audit.record(
        session,
        actor=actor_id(user),
        action="referral.requested",
        target_type="case",
        target_id=case.id,
        details={"referral_id": referral.id, "reason": reason},
    )
    return referral


def decide_referral(
    session: Session, referral_id: str, user: ConsoleUser, approve: bool, reason: str
) -> Referral:
    """The second specialist approves (the referral is made) or rejects it."""
    _require(user, Permission.APPROVE_REFERRAL)
    reason = _clean_reason(reason)
    audit.serialise_writes(session)
    referral = session.scalar(select(Referral).where(Referral.id == referral_id).with_for_update())
    if referral is None:
        raise ActionRefused(f"no referral {referral_id}", status=404)
    if referral.status != "pending":
        raise ActionRefused(f"this referral was already {referral.status}")
    if referral.requested_by == user.id:
        raise ActionRefused("a referral needs a second specialist: you requested this one", 403)
    case = _case(session, referral.case_id)
    if approve and case.status == "closed":
        # Closing and dismissing refuse while a referral is pending; this guards referrals left
        # pending on cases closed before that rule (they can still be rejected).
        raise ActionRefused("this case is closed, so its referral can no longer be approved")
    referral.status = "approved" if approve else "rejected"
    referral.decided_by = user.id
    referral.decided_at = utcnow()
    details = {"referral_id": referral.id, "reason": reason}
    if approve:
        _record(session, case, "refer", user, referral.reason)
        case.outcome = "referred"
        # A US provider must preserve what it reports for a year (18 U.S.C. 2258A(h)):
        # an approved referral always seals the evidence it is based on.
        details["bundle_id"] = seal_evidence(session, case.id, sealed_by=actor_id(user)).id
    session.flush()
    audit.record(
        session,
        actor=actor_id(user),
        action="referral.approved" if approve else "referral.rejected",
        target_type="case",
        target_id=case.id,
        details=details,
    )
    return referral
