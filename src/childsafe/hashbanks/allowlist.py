"""The allow-list ("never match"): hashes of known false positives that suppress matches.

A moderator who rejects a match adds the posted image's hashes here, so the same benign image
(or a near copy of it) is not matched again. Scope of a suppression:
- an exact allow-listed digest (MD5/SHA-256 of the very same bytes) suppresses every match;
- an allow-listed PDQ hash (within its bank's threshold) or vPDQ video suppresses perceptual
  (PDQ, vPDQ) matches only: exact digest matches of known material are never overridden by a
  perceptual look-alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.hashbanks.banks import BankKind, add_entries, create_bank
from childsafe.hashbanks.hits import BankHit
from childsafe.hashbanks.importers import ImportedHash
from childsafe.store.tables.hashbanks import HashBank

FEEDBACK_ALLOW_LIST = "allow-list (moderator feedback)"
PERCEPTUAL_KINDS = ("pdq", "vpdq")


def split_allowed(
    hits: Sequence[BankHit], allow_hits: Sequence[BankHit]
) -> tuple[list[BankHit], list[BankHit]]:
    """(kept, suppressed) match-bank hits given the allow-list hits for the same image."""
    if not allow_hits:
        return list(hits), []
    exact_allowed = any(hit.kind not in PERCEPTUAL_KINDS for hit in allow_hits)
    kept: list[BankHit] = []
    suppressed: list[BankHit] = []
    for hit in hits:
        (suppressed if exact_allowed or hit.kind in PERCEPTUAL_KINDS else kept).append(hit)
    return kept, suppressed


def feedback_allow_list(session: Session) -> HashBank:
    """The allow-list bank that rejected matches go to (created on first use)."""
    bank = session.scalar(select(HashBank).where(HashBank.name == FEEDBACK_ALLOW_LIST))
    if bank is None:
        bank = create_bank(
            session,
            name=FEEDBACK_ALLOW_LIST,
            source="moderators' rejections of hash matches",
            kind=BankKind.ALLOW,
            description="Images a moderator judged to be false positives.",
        )
    return bank


def allow(session: Session, entries: Sequence[ImportedHash]) -> None:
    add_entries(session, feedback_allow_list(session), entries)
