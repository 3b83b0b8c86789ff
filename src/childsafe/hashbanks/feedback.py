"""A moderator's confirm/reject of a hash match; a rejection allow-lists the image."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.hashbanks.allowlist import allow
from childsafe.hashbanks.importers import ImportedHash
from childsafe.hashbanks.signal_types import HashKind
from childsafe.model.clock import utcnow
from childsafe.store.tables.hashbanks import HashMatch, StoredMedia


class Feedback(StrEnum):
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class FeedbackError(ValueError):
    pass


def record_feedback(
    session: Session, match_id: str, feedback: Feedback, *, actor: str, note: str | None = None
) -> HashMatch:
    """Record `actor`'s decision (an authenticated identity such as `api:<key id>`)."""
    match = session.get(HashMatch, match_id)
    if match is None:
        raise FeedbackError(f"no hash match {match_id!r}")
    if match.feedback is not None and match.feedback != feedback.value:
        raise FeedbackError(f"match {match_id} was already {match.feedback} by {match.feedback_by}")
    now = utcnow()
    match.feedback = feedback.value
    match.feedback_by = actor
    match.feedback_note = note
    match.feedback_at = now
    audit.record(
        session,
        actor=actor,
        action=f"hash_match.{feedback.value}",
        target_type="hash_match",
        target_id=match.id,
        details={"media_id": match.media_id, "bank_id": match.bank_id, "note": note},
        at=now,
    )
    if feedback == Feedback.REJECTED:
        media = session.get(StoredMedia, match.media_id)
        assert media is not None  # a foreign key guarantees it
        label = f"rejected match {match.id} by {actor}" + (f": {note}" if note else "")
        allow(
            session,
            [
                ImportedHash(HashKind.PDQ, media.pdq, label),
                ImportedHash(HashKind.SHA256, media.sha256, label),
            ],
        )
    return match
