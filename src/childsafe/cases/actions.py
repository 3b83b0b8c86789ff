"""What moderators decide on a case, and the two-person rule for referrals.

Each function runs in the caller's transaction and writes its audit entry and its events for
the platform (the outbox) there, so a decision, its record and its events commit together or
not at all. Refusals raise ActionRefused with a message for the person.

Whoever decides is a `Decider`: a console user, or a platform's API key acting as a moderator
(it may decide and close, never refer: a referral needs two specialists in the console).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cases.evidence import seal_evidence
from childsafe.cases.reports import OUTCOME_WORDS
from childsafe.cases.roles import GRANTS, Permission, Role, allowed
from childsafe.events import emit
from childsafe.model.clock import as_utc, utcnow
from childsafe.store.tables.cases import Case, CaseAction, CaseItem, ConsoleUser, Referral, Report

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
    "lift": "Lifted the restriction on appeal",
}
MAX_REASON = 2000

# What the platform must apply to the suspect's account after each decision (case.decided).
ENFORCEMENT = {
    "dismiss": "none",
    "warn": "warn",
    "restrict": "restrict_contact_with_children",
    "suspend": "suspend",
    "lift": "none",
}
# report.outcome for each child who reported: whether anything was done, and the words a
# platform can show them (the same as GET /v1/reports/{id} answers; nothing about the account).
REPORT_OUTCOMES = {
    "dismiss": ("no_action", "dismissed"),
    "warn": ("action_taken", "warn"),
    "restrict": ("action_taken", "restrict"),
    "suspend": ("action_taken", "suspend"),
    "refer": ("action_taken", "referred"),
}
API_KEY_ROLE = "an API key (acting as a moderator; referrals need two specialists in the console)"


@dataclass(frozen=True, slots=True)
class Decider:
    """Who takes a decision: `actor` as the audit log names them (user:<id> or api:<key id>),
    a name people can read, and what they may do."""

    actor: str
    name: str
    role_words: str
    permissions: frozenset[Permission]
    user_id: str | None = None

    @classmethod
    def console_user(cls, user: ConsoleUser) -> Decider:
        granted = frozenset(p for p in Permission if user.active and allowed(user.role, p))
        return cls(
            actor=actor_id(user),
            name=user.display_name,
            role_words=f"your role ({user.role})",
            permissions=granted,
            user_id=user.id,
        )

    @classmethod
    def api_key(cls, key_id: str, key_name: str) -> Decider:
        return cls(
            actor=f"api:{key_id}",
            name=f"API key {key_name}",
            role_words=API_KEY_ROLE,
            permissions=GRANTS[Role.MODERATOR],
        )


Who = ConsoleUser | Decider


class ActionRefused(Exception):
    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def actor_id(user: ConsoleUser) -> str:
    return f"user:{user.id}"


def decider_of(who: Who) -> Decider:
    return who if isinstance(who, Decider) else Decider.console_user(who)


def require(who: Who, permission: Permission) -> Decider:
    decider = decider_of(who)
    if permission not in decider.permissions:
        raise ActionRefused(f"{decider.role_words} may not do this", status=403)
    return decider


def clean_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ActionRefused("please give a reason (it is kept in the audit log)", status=400)
    if len(reason) > MAX_REASON:
        raise ActionRefused(f"the reason is too long (at most {MAX_REASON} characters)", 400)
    return reason


def locked_case(session: Session, case_id: str) -> Case:
    audit.serialise_writes(session)
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None:
        raise ActionRefused(f"no case {case_id}", status=404)
    return case


def _record(
    session: Session, case: Case, kind: str, decider: Decider, reason: str, automated: bool = False
) -> CaseAction:
    now = utcnow()
    automated_detection = (
        session.scalar(
            select(CaseItem.id).where(CaseItem.case_id == case.id, CaseItem.source != "report")
        )
        is not None
    )
    action = CaseAction(
        id="act_" + secrets.token_hex(8),
        case_id=case.id,
        kind=kind,
        actor=decider.actor,
        actor_user_id=decider.user_id,
        reason=reason,
        priority=case.priority,
        severity=case.severity,
        automated_detection=automated_detection,
        automated_decision=automated,
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


def _emit_decided(session: Session, case: Case, action: CaseAction) -> None:
    """case.decided for the platform, and report.outcome for each child who reported."""
    emit(
        session,
        "case.decided",
        {
            "case_id": case.id,
            "decision_id": action.id,
            "account_id": case.suspect_account_id,
            "decision": action.kind,
            "enforcement": ENFORCEMENT[action.kind],
            "reasons": [ACTION_WORDS[action.kind], action.reason],
            "decided_by_kind": "automated" if action.automated_decision else "human",
            "decided_at": action.created_at,
        },
        occurred_at=action.created_at,
    )
    _emit_report_outcomes(session, case, action)


def _emit_report_outcomes(session: Session, case: Case, action: CaseAction) -> None:
    if action.kind not in REPORT_OUTCOMES:
        return
    outcome, words = REPORT_OUTCOMES[action.kind]
    for report in session.scalars(
        select(Report).where(Report.case_id == case.id).order_by(Report.created_at, Report.id)
    ):
        emit(
            session,
            "report.outcome",
            {
                "report_id": report.id,
                "reference": report.reference,
                "reporter_account_id": report.reporter_account_id,
                "outcome": outcome,
                "message": OUTCOME_WORDS[words],
            },
            occurred_at=action.created_at,
        )


def take_action(
    session: Session, case_id: str, kind: str, who: Who, reason: str, *, automated: bool = False
) -> CaseAction:
    """Dismiss, warn, restrict, suspend or preserve; dismissing closes the case. `automated`:
    the decider says the decision was taken by automated means (a platform's tool)."""
    decider = require(who, Permission.ACT)
    if not kind:
        raise ActionRefused("choose a decision first", 400)
    if kind not in ACTIONS:
        raise ActionRefused(f"unknown action {kind!r}; choose one of {', '.join(ACTIONS)}", 400)
    reason = clean_reason(reason)
    case = locked_case(session, case_id)
    if case.status == "closed":
        raise ActionRefused("this case is closed; new evidence about the suspect opens a new one")
    if kind == "dismiss" and _pending_referral(session, case.id) is not None:
        raise ActionRefused(
            "a referral of this case awaits a second specialist: it must be approved or "
            "rejected before the case can be dismissed"
        )
    action = _record(session, case, kind, decider, reason, automated)
    details: dict[str, str] = {"action_id": action.id, "reason": reason}
    if kind == "preserve":
        bundle = seal_evidence(session, case.id, sealed_by=decider.actor)
        details["bundle_id"] = bundle.id
    if kind == "dismiss":
        _close(case, "dismissed")
    elif kind != "preserve":
        case.outcome = kind
    session.flush()
    if kind in ENFORCEMENT:
        _emit_decided(session, case, action)
    audit.record(
        session,
        actor=decider.actor,
        action=f"case.{kind}",
        target_type="case",
        target_id=case.id,
        details=details,
    )
    return action


def revise_on_appeal(
    session: Session, case_id: str, kind: str, decider: Decider, reason: str
) -> CaseAction:
    """An appeal's outcome applied to its case, closed or not: `lift` (reversed: no
    enforcement any more) or the new, different enforcement (modified). The appeal records
    itself (cases/appeals.py); this records the action and tells the platform."""
    if kind != "lift" and kind not in ENFORCEMENT:
        raise ActionRefused(f"an appeal cannot change the decision to {kind!r}", 400)
    case = locked_case(session, case_id)
    action = _record(session, case, kind, decider, reason)
    case.outcome = "lifted" if kind == "lift" else kind
    session.flush()
    _emit_decided(session, case, action)
    return action


def close_case(session: Session, case_id: str, who: Who, reason: str) -> None:
    """Resolve a case that has been acted on (its outcome is the last decision taken)."""
    decider = require(who, Permission.ACT)
    reason = clean_reason(reason)
    case = locked_case(session, case_id)
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
        actor=decider.actor,
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


def _console_user_id(decider: Decider) -> str:
    # Referrals name console users (two specialists); REFER and APPROVE_REFERRAL are only ever
    # granted to them, so this holds once _require passed.
    assert decider.user_id is not None
    return decider.user_id


def request_referral(session: Session, case_id: str, who: Who, reason: str) -> Referral:
    """A specialist proposes referring the case; a different specialist must approve it."""
    decider = require(who, Permission.REFER)
    reason = clean_reason(reason)
    case = locked_case(session, case_id)
    if case.status == "closed":
        raise ActionRefused("this case is closed")
    if _pending_referral(session, case.id) is not None:
        raise ActionRefused("a referral for this case already awaits approval")
    referral = Referral(
        id="ref_" + secrets.token_hex(8),
        case_id=case.id,
        status="pending",
        reason=reason,
        requested_by=_console_user_id(decider),
        requested_at=utcnow(),
    )
    session.add(referral)
    if case.first_action_at is None:
        _start_work(case, referral.requested_at)
    session.flush()
    audit.record(
        session,
        actor=decider.actor,
        action="referral.requested",
        target_type="case",
        target_id=case.id,
        details={"referral_id": referral.id, "reason": reason},
    )
    return referral


def decide_referral(
    session: Session, referral_id: str, who: Who, approve: bool, reason: str
) -> Referral:
    """The second specialist approves (the referral is made) or rejects it."""
    decider = require(who, Permission.APPROVE_REFERRAL)
    reason = clean_reason(reason)
    audit.serialise_writes(session)
    referral = session.scalar(select(Referral).where(Referral.id == referral_id).with_for_update())
    if referral is None:
        raise ActionRefused(f"no referral {referral_id}", status=404)
    if referral.status != "pending":
        raise ActionRefused(f"this referral was already {referral.status}")
    if referral.requested_by == decider.user_id:
        raise ActionRefused("a referral needs a second specialist: you requested this one", 403)
    case = locked_case(session, referral.case_id)
    if approve and case.status == "closed":
        # Closing and dismissing refuse while a referral is pending; this guards referrals left
        # pending on cases closed before that rule (they can still be rejected).
        raise ActionRefused("this case is closed, so its referral can no longer be approved")
    referral.status = "approved" if approve else "rejected"
    referral.decided_by = _console_user_id(decider)
    referral.decided_at = utcnow()
    details = {"referral_id": referral.id, "reason": reason}
    if approve:
        refer = _record(session, case, "refer", decider, referral.reason)
        case.outcome = "referred"
        # A US provider must preserve what it reports for a year (18 U.S.C. 2258A(h)):
        # an approved referral always seals the evidence it is based on.
        details["bundle_id"] = seal_evidence(session, case.id, sealed_by=decider.actor).id
        emit(
            session,
            "referral.sent",
            {"referral_id": referral.id, "case_id": case.id, "account_id": case.suspect_account_id},
            occurred_at=referral.decided_at,
        )
        _emit_report_outcomes(session, case, refer)
    session.flush()
    audit.record(
        session,
        actor=decider.actor,
        action="referral.approved" if approve else "referral.rejected",
        target_type="case",
        target_id=case.id,
        details=details,
    )
    return referral
