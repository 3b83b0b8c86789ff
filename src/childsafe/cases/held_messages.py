"""Messages the policy held back from a child, reviewed by a moderator: released (the platform
delivers it, `message.released`) or confirmed (it stays withheld), with a reason, audited.

A hold waits for review when it came from the suspect of a case (the policy's other holds are
message requests the child accepts or ignores). Everything runs in the caller's transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from childsafe import audit
from childsafe.cases.actions import ActionRefused, Decider, Who, clean_reason, require
from childsafe.cases.roles import Permission
from childsafe.events import emit
from childsafe.model.clock import utcnow
from childsafe.store.tables.cases import Case, HeldMessageReview
from childsafe.store.tables.service import StoredMessage

DECISIONS = {"release": "released", "confirm": "confirmed"}
DECISION_WORDS = {
    "released": "Released: delivered to the recipient",
    "confirmed": "Confirmed: stays withheld",
}
# The policy's verdict that withholds a message until someone decides.
HELD = "hold"


@dataclass(frozen=True, slots=True)
class HeldMessage:
    """A held message as a moderator sees it, with the rules that held it and its review."""

    id: str
    conversation_id: str
    sender_id: str
    recipient_ids: list[str]
    text: str
    received_at: datetime
    reasons: list[str]
    case_id: str | None
    review: HeldMessageReview | None


def _latest_case_of_sender() -> ColumnElement[Any]:
    return (
        select(Case.id)
        .where(Case.suspect_account_id == StoredMessage.sender_id)
        .order_by(Case.opened_at.desc())
        .limit(1)
        .scalar_subquery()
    )


def _unreviewed() -> ColumnElement[bool]:
    return ~exists().where(HeldMessageReview.message_id == StoredMessage.id)


def _from_a_suspect() -> ColumnElement[bool]:
    return exists().where(Case.suspect_account_id == StoredMessage.sender_id)


def reasons_of(message: StoredMessage) -> list[str]:
    return [
        str(reason.get("description", reason.get("rule", "")))
        for reason in message.response.get("reasons", [])
        if reason.get("verdict") == HELD
    ]


def _shown(
    message: StoredMessage, case_id: str | None, review: HeldMessageReview | None
) -> HeldMessage:
    return HeldMessage(
        id=message.id,
        conversation_id=message.conversation_id,
        sender_id=message.sender_id,
        recipient_ids=list(message.recipient_ids),
        text=message.text,
        received_at=message.received_at,
        reasons=reasons_of(message),
        case_id=case_id,
        review=review,
    )


def unreviewed(session: Session, limit: int = 200) -> list[HeldMessage]:
    """Holds from a case's suspect nobody has reviewed yet, oldest first, with their case."""
    rows = session.execute(
        select(StoredMessage, _latest_case_of_sender())
        .where(StoredMessage.verdict == HELD, _unreviewed(), _from_a_suspect())
        .order_by(StoredMessage.received_at, StoredMessage.id)
        .limit(limit)
    ).all()
    return [_shown(message, case_id, None) for message, case_id in rows]


def unreviewed_count(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(StoredMessage)
            .where(StoredMessage.verdict == HELD, _unreviewed(), _from_a_suspect())
        )
        or 0
    )


def of_case(session: Session, case_id: str) -> list[HeldMessage]:
    """The case suspect's held messages, oldest first, each with its latest review if any."""
    suspect = select(Case.suspect_account_id).where(Case.id == case_id).scalar_subquery()
    messages = session.scalars(
        select(StoredMessage)
        .where(StoredMessage.verdict == HELD, StoredMessage.sender_id == suspect)
        .order_by(StoredMessage.received_at, StoredMessage.id)
    ).all()
    return [_shown(m, case_id, latest_review(session, m.id)) for m in messages]


def latest_review(session: Session, message_id: str) -> HeldMessageReview | None:
    return session.scalar(
        select(HeldMessageReview)
        .where(HeldMessageReview.message_id == message_id)
        .order_by(HeldMessageReview.reviewed_at.desc(), HeldMessageReview.id.desc())
        .limit(1)
    )


def held_message(session: Session, message_id: str) -> StoredMessage:
    """The held message of that id, locked for its review (404/409 refusals otherwise)."""
    audit.serialise_writes(session)
    message = session.scalar(
        select(StoredMessage).where(StoredMessage.id == message_id).with_for_update()
    )
    if message is None:
        raise ActionRefused(f"no message {message_id}", status=404)
    if message.verdict != HELD:
        raise ActionRefused(f"message {message_id} was not held (its verdict: {message.verdict})")
    return message


def review(
    session: Session, message_id: str, decision: str, who: Who, reason: str
) -> HeldMessageReview:
    """A moderator releases or confirms a held message that nobody has reviewed yet."""
    decider = require(who, Permission.ACT)
    if decision not in DECISIONS:
        raise ActionRefused(f"choose {' or '.join(DECISIONS)}", 400)
    reason = clean_reason(reason)
    message = held_message(session, message_id)
    earlier = latest_review(session, message.id)
    if earlier is not None:
        raise ActionRefused(
            f"this message was already {earlier.decision} by {earlier.reviewer_name}; "
            "the sender can appeal that decision"
        )
    return record_review(session, message, DECISIONS[decision], decider, reason)


def record_review(
    session: Session, message: StoredMessage, decision: str, decider: Decider, reason: str
) -> HeldMessageReview:
    """Write the review, its audit entry and, for a release, `message.released`."""
    reviewed = HeldMessageReview(
        id="hmr_" + secrets.token_hex(8),
        message_id=message.id,
        decision=decision,
        reviewed_by=decider.actor,
        reviewer_name=decider.name,
        reason=reason,
        reviewed_at=utcnow(),
    )
    session.add(reviewed)
    if decision == "released":
        emit(
            session,
            "message.released",
            {
                "message_id": message.id,
                "conversation_id": message.conversation_id,
                "sender_id": message.sender_id,
                "recipient_ids": list(message.recipient_ids),
                "reasons": [DECISION_WORDS[decision], reason],
            },
            occurred_at=reviewed.reviewed_at,
        )
    session.flush()
    audit.record(
        session,
        actor=decider.actor,
        action=f"message.{decision}",
        target_type="message",
        target_id=message.id,
        details={"review_id": reviewed.id, "reason": reason},
    )
    return reviewed
