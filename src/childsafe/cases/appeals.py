"""Appeals (DSA Art. 20 internal complaint handling; Ofcom ICU D8/D9, D11): a user, through
the platform, contests a decision about their account or the automated hold of their message.

An appeal is decided by someone other than whoever took the original decision: upheld
(nothing changes), reversed (a restriction is lifted, a held message delivered) or modified (a
different enforcement), always with a reason; `appeal.decided` tells the platform, and a
changed case decision also emits `case.decided`. Everything runs in the caller's transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cases import held_messages
from childsafe.cases.actions import (
    ACTION_WORDS,
    ENFORCEMENT,
    ActionRefused,
    Decider,
    Who,
    clean_reason,
    require,
    revise_on_appeal,
)
from childsafe.cases.roles import Permission
from childsafe.events import emit
from childsafe.model.clock import as_utc, utcnow
from childsafe.store.tables.cases import Appeal, Case, CaseAction, ConsoleUser
from childsafe.store.tables.service import Account, ApiKey, StoredMessage

SUBJECTS = ("decision", "held_message")
OUTCOMES = ("upheld", "reversed", "modified")
# Case decisions that restrict the account, and so can be appealed and be what a
# modification changes to.
APPEALABLE = ("warn", "restrict", "suspend")
AUTOMATED_HOLD = "automated_hold"
CONFIRMED_HOLD = "confirmed_hold"
MAX_STATEMENT = 5000
NEXT_STEPS = (
    "We have received the appeal. Someone who was not involved in the original decision will "
    "look at it, together with what the user told us, and decide whether it stands. The "
    "platform will be told the outcome and the reasons (event appeal.decided), and can check "
    "it at any time with GET /v1/appeals/{id}."
)
STATUS_WORDS = {
    "pending": "Received: waiting for a reviewer who was not involved in the original decision.",
    "upheld": "Decided: the original decision stands.",
    "reversed": "Decided: the original decision was reversed.",
    "modified": "Decided: the original decision was changed.",
}
# What the platform applies after the appeal of a held message.
HELD_ENFORCEMENT = {"upheld": "keep_message_withheld", "reversed": "deliver_message"}


@dataclass(frozen=True, slots=True)
class Original:
    """The decision appealed, as the reviewer sees it."""

    what: str
    reasons: list[str]
    decided_by: str
    decided_at: datetime | None


def file_appeal(
    session: Session,
    *,
    account_id: str,
    subject_type: str,
    subject_id: str,
    statement: str,
    contact_preference: str | None,
    api_key_id: str,
) -> Appeal:
    """Record a user's appeal forwarded by the platform (refusals name what is wrong)."""
    statement = statement.strip()
    if not statement:
        raise ActionRefused("the appeal needs the user's own words (statement)", 400)
    if len(statement) > MAX_STATEMENT:
        raise ActionRefused(f"the statement is too long (at most {MAX_STATEMENT} characters)", 400)
    if subject_type not in SUBJECTS:
        raise ActionRefused(f"subject_type must be one of {', '.join(SUBJECTS)}", 400)
    if session.get(Account, account_id) is None:
        raise ActionRefused(f"unknown account {account_id!r}", 404)
    audit.serialise_writes(session)
    appeal = Appeal(
        id="apl_" + secrets.token_hex(8),
        account_id=account_id,
        subject_type=subject_type,
        subject_id=subject_id,
        statement=statement,
        contact_preference=contact_preference,
        api_key_id=api_key_id,
        received_at=utcnow(),
        status="pending",
    )
    if subject_type == "decision":
        _about_decision(session, appeal)
    else:
        _about_hold(session, appeal)
    earlier = session.scalar(
        select(Appeal.status).where(
            Appeal.subject_type == subject_type, Appeal.subject_id == subject_id
        )
    )
    if earlier is not None:
        raise ActionRefused(
            "this decision is already under appeal"
            if earlier == "pending"
            else "this decision was already decided on appeal"
        )
    session.add(appeal)
    session.flush()
    audit.record(
        session,
        actor=f"api:{api_key_id}",
        action="appeal.received",
        target_type="appeal",
        target_id=appeal.id,
        details={"subject_type": subject_type, "subject_id": subject_id, "ground": appeal.ground},
    )
    return appeal


def _about_decision(session: Session, appeal: Appeal) -> None:
    row = session.execute(
        select(CaseAction, Case.suspect_account_id)
        .join(Case, Case.id == CaseAction.case_id)
        .where(CaseAction.id == appeal.subject_id)
    ).first()
    # One answer whether the decision does not exist or is about someone else.
    if row is None or row[1] != appeal.account_id:
        raise ActionRefused(
            f"no decision {appeal.subject_id!r} about account {appeal.account_id!r}", 404
        )
    action = row[0]
    if action.kind not in APPEALABLE:
        raise ActionRefused(
            f"decision {action.id} ({action.kind}) placed no restriction on the account; "
            f"appealable decisions: {', '.join(APPEALABLE)}",
            409,
        )
    later = session.scalar(
        select(CaseAction.id)
        .where(
            CaseAction.case_id == action.case_id,
            CaseAction.kind.in_(list(ENFORCEMENT)),
            CaseAction.created_at > action.created_at,
        )
        .limit(1)
    )
    if later is not None:
        raise ActionRefused(f"a later decision ({later}) replaced this one: appeal that one", 409)
    appeal.case_id = action.case_id
    appeal.ground = action.kind
    appeal.against_automated = action.automated_decision
    appeal.original_decider = action.actor


def _about_hold(session: Session, appeal: Appeal) -> None:
    message = session.get(StoredMessage, appeal.subject_id)
    if message is None or message.sender_id != appeal.account_id:
        raise ActionRefused(f"no message {appeal.subject_id!r} sent by {appeal.account_id!r}", 404)
    if message.verdict != held_messages.HELD:
        raise ActionRefused(f"message {message.id} was not held (its verdict: {message.verdict})")
    review = held_messages.latest_review(session, message.id)
    if review is not None and review.decision == "released":
        raise ActionRefused(f"message {message.id} was already released to its recipients")
    confirmed = review is not None
    appeal.ground = CONFIRMED_HOLD if confirmed else AUTOMATED_HOLD
    appeal.against_automated = not confirmed
    appeal.original_decider = review.reviewed_by if review is not None else audit.SYSTEM


def decide_appeal(
    session: Session,
    appeal_id: str,
    outcome: str,
    who: Who,
    reason: str,
    new_decision: str | None = None,
) -> Appeal:
    """Decide a pending appeal; `new_decision` (warn, restrict, suspend) for a modification."""
    decider = require(who, Permission.ACT)
    if outcome not in OUTCOMES:
        raise ActionRefused(f"choose an outcome: {', '.join(OUTCOMES)}", 400)
    reason = clean_reason(reason)
    audit.serialise_writes(session)
    appeal = session.scalar(select(Appeal).where(Appeal.id == appeal_id).with_for_update())
    if appeal is None:
        raise ActionRefused(f"no appeal {appeal_id}", 404)
    if appeal.status != "pending":
        raise ActionRefused(f"this appeal was already decided ({appeal.outcome})")
    if decider.actor == appeal.original_decider:
        raise ActionRefused(
            "you took the decision under appeal: someone else must decide the appeal", 403
        )
    if appeal.subject_type == "decision":
        enforcement = _revise_decision(session, appeal, outcome, decider, reason, new_decision)
    else:
        enforcement = _revise_hold(session, appeal, outcome, decider, reason)
    now = utcnow()
    appeal.status = "decided"
    appeal.outcome = outcome
    appeal.outcome_reason = reason
    appeal.decided_by = decider.actor
    appeal.decided_by_name = decider.name
    appeal.decided_at = now
    appeal.decision_seconds = (now - as_utc(appeal.received_at)).total_seconds()
    emit(
        session,
        "appeal.decided",
        {
            "appeal_id": appeal.id,
            "account_id": appeal.account_id,
            "subject_type": appeal.subject_type,
            "subject_id": appeal.subject_id,
            "outcome": outcome,
            "reasons": [STATUS_WORDS[outcome], reason],
            "enforcement": enforcement,
        },
        occurred_at=now,
    )
    session.flush()
    audit.record(
        session,
        actor=decider.actor,
        action=f"appeal.{outcome}",
        target_type="appeal",
        target_id=appeal.id,
        details={"reason": reason, "enforcement": enforcement},
    )
    return appeal


def _revise_decision(
    session: Session,
    appeal: Appeal,
    outcome: str,
    decider: Decider,
    reason: str,
    new_decision: str | None,
) -> str:
    """Apply the outcome to the case; returns the enforcement the platform applies now."""
    assert appeal.case_id is not None  # a decision always belongs to a case
    if outcome == "upheld":
        return ENFORCEMENT[appeal.ground]
    if outcome == "reversed":
        revise_on_appeal(session, appeal.case_id, "lift", decider, f"Appeal {appeal.id}: {reason}")
        return ENFORCEMENT["lift"]
    if new_decision not in APPEALABLE or new_decision == appeal.ground:
        raise ActionRefused(
            "a modification needs the new decision, different from the original: "
            + ", ".join(kind for kind in APPEALABLE if kind != appeal.ground),
            400,
        )
    revise_on_appeal(
        session, appeal.case_id, new_decision, decider, f"Appeal {appeal.id}: {reason}"
    )
    return ENFORCEMENT[new_decision]


def _revise_hold(
    session: Session, appeal: Appeal, outcome: str, decider: Decider, reason: str
) -> str:
    if outcome == "modified":
        raise ActionRefused(
            "a held message is either delivered or kept withheld: choose upheld or reversed", 400
        )
    message = held_messages.held_message(session, appeal.subject_id)
    decision = "confirmed" if outcome == "upheld" else "released"
    held_messages.record_review(
        session, message, decision, decider, f"Appeal {appeal.id}: {reason}"
    )
    return HELD_ENFORCEMENT[outcome]


def pending(session: Session, limit: int = 200) -> list[Appeal]:
    """The appeals queue: oldest first."""
    return list(
        session.scalars(
            select(Appeal)
            .where(Appeal.status == "pending")
            .order_by(Appeal.received_at, Appeal.id)
            .limit(limit)
        )
    )


def original_decision(session: Session, appeal: Appeal) -> Original:
    """What was appealed, its reasons and who took it (a person, an API key or the policy)."""
    if appeal.subject_type == "decision":
        action = session.get(CaseAction, appeal.subject_id)
        assert action is not None
        return Original(
            what=ACTION_WORDS.get(action.kind, action.kind),
            reasons=[action.reason],
            decided_by=decider_name(session, action.actor),
            decided_at=action.created_at,
        )
    message = session.get(StoredMessage, appeal.subject_id)
    assert message is not None
    review = held_messages.latest_review(session, message.id)
    if review is None:
        return Original(
            what="Message held by automated detection (the policy)",
            reasons=held_messages.reasons_of(message),
            decided_by="automated (policy rules)",
            decided_at=message.received_at,
        )
    return Original(
        what="Held message confirmed by a moderator (stays withheld)",
        reasons=[*held_messages.reasons_of(message), review.reason],
        decided_by=review.reviewer_name,
        decided_at=review.reviewed_at,
    )


def decider_name(session: Session, actor: str) -> str:
    """A readable name for an audit actor (user:<id>, api:<key id>, system)."""
    kind, _, ident = actor.partition(":")
    if kind == "user":
        user = session.get(ConsoleUser, ident)
        return user.display_name if user is not None else actor
    if kind == "api":
        key = session.get(ApiKey, ident)
        return f"API key {key.name}" if key is not None else actor
    return actor
