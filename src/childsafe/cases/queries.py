"""The console's read model: what a case page and the users page show, read in the caller's
transaction and returned as typed records (the queue: queue_filters; the audit log:
audit_search)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.cases.notes import WrittenNote, notes_of
from childsafe.cases.timeline import CaseContents, case_of_media, load_case
from childsafe.store.tables.cases import (
    AuditEntry,
    Case,
    CaseAction,
    ConsoleUser,
    EvidenceBundle,
    Referral,
)
from childsafe.store.tables.hashbanks import HashBank, HashMatch, StoredMedia
from childsafe.store.tables.service import Account, Alert

CASE_TRAIL_LENGTH = 30
SUSPECT_HISTORY = 20


class TakenAction(NamedTuple):
    action: CaseAction
    by: str  # the moderator's display name (or the API key's)


class ReferralBox(NamedTuple):
    referral: Referral
    requested_by: str  # display names
    decided_by: str | None
    decision_note: str | None  # the second specialist's note, from the audit log


class KnownImageMatch(NamedTuple):
    match: HashMatch
    bank: str  # the bank's name


@dataclass(frozen=True, slots=True)
class CasePage:
    contents: CaseContents
    accounts: dict[str, Account]  # the suspect and the victims that are still stored
    actions: Sequence[TakenAction]  # oldest first
    referrals: Sequence[ReferralBox]  # oldest first
    bundles: Sequence[EvidenceBundle]  # sealed evidence, oldest first
    media_ids: set[str]  # the case's images that are still stored
    trail: Sequence[AuditEntry]  # the latest audit entries about the case, newest first
    names: dict[str, str]  # audit actor ("user:<id>") -> display name, for the trail
    notes: Sequence[WrittenNote]  # oldest first
    assignee: ConsoleUser | None
    suspect_history: Sequence[Case]  # the suspect's other cases, newest first
    matches: dict[str, list[KnownImageMatch]]  # media id -> its hash-bank matches
    alert_cues: dict[str, list[str]]  # alert id -> the cues it raised itself


def own_cues(alerts: Sequence[Alert]) -> dict[str, list[str]]:
    """Each alert's own cues: an alert carries every cue seen in its conversation so far, so
    the cues an earlier alert of the conversation already listed are not its own."""
    seen: dict[str, set[str]] = {}
    own: dict[str, list[str]] = {}
    for alert in sorted(alerts, key=lambda a: (a.created_at, a.id)):
        earlier = seen.setdefault(alert.conversation_id, set())
        own[alert.id] = [cue for cue in alert.cues if cue not in earlier]
        earlier.update(alert.cues)
    return own


def actor_names(session: Session, actors: Iterable[str]) -> dict[str, str]:
    """Audit actors ("user:<id>", "api:<key>", "system") -> what a person reads: console users
    by display name, anything else as it is."""
    user_ids = {actor.removeprefix("user:") for actor in actors if actor.startswith("user:")}
    names = {
        f"user:{user_id}": name
        for user_id, name in session.execute(
            select(ConsoleUser.id, ConsoleUser.display_name).where(ConsoleUser.id.in_(user_ids))
        )
    }
    return {actor: names.get(actor, actor) for actor in actors}


def _referral_boxes(session: Session, case_id: str) -> list[ReferralBox]:
    referrals = session.scalars(
        select(Referral).where(Referral.case_id == case_id).order_by(Referral.requested_at)
    ).all()
    people = [f"user:{r.requested_by}" for r in referrals]
    people += [f"user:{r.decided_by}" for r in referrals if r.decided_by]
    names = actor_names(session, people)
    notes = {
        str(entry.details.get("referral_id")): str(entry.details.get("reason") or "")
        for entry in session.scalars(
            select(AuditEntry).where(
                AuditEntry.target_type == "case",
                AuditEntry.target_id == case_id,
                AuditEntry.action.in_(("referral.approved", "referral.rejected")),
            )
        )
    }
    return [
        ReferralBox(
            r,
            names[f"user:{r.requested_by}"],
            names[f"user:{r.decided_by}"] if r.decided_by else None,
            notes.get(r.id),
        )
        for r in referrals
    ]


def _known_image_matches(
    session: Session, media_ids: list[str]
) -> dict[str, list[KnownImageMatch]]:
    found: dict[str, list[KnownImageMatch]] = {}
    for match, bank in session.execute(
        select(HashMatch, HashBank.name)
        .join(HashBank, HashBank.id == HashMatch.bank_id)
        .where(HashMatch.media_id.in_(media_ids))
        .order_by(HashMatch.created_at)
    ):
        found.setdefault(match.media_id, []).append(KnownImageMatch(match, bank))
    return found


def case_page(session: Session, case_id: str) -> CasePage | None:
    """Everything a case page shows; None when there is no such case."""
    contents = load_case(session, case_id)
    if contents is None:
        return None
    case = contents.case
    account_ids = [case.suspect_account_id, *case.victim_account_ids]
    accounts = {
        account.id: account
        for account in session.scalars(select(Account).where(Account.id.in_(account_ids)))
    }
    taken = session.scalars(
        select(CaseAction).where(CaseAction.case_id == case_id).order_by(CaseAction.created_at)
    ).all()
    deciders = actor_names(session, {action.actor for action in taken})
    actions = [TakenAction(action, deciders[action.actor]) for action in taken]
    bundles = session.scalars(
        select(EvidenceBundle)
        .where(EvidenceBundle.case_id == case_id)
        .order_by(EvidenceBundle.sealed_at)
    ).all()
    shown = [m.media_id for c in contents.conversations for m in c.messages if m.media_id]
    matched = [i.source_id for i in contents.items if i.source == "hash_match"]
    media_ids = set(
        session.scalars(select(StoredMedia.id).where(StoredMedia.id.in_(shown + matched)))
    )
    trail = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.target_type == "case", AuditEntry.target_id == case_id)
        .order_by(AuditEntry.seq.desc())
        .limit(CASE_TRAIL_LENGTH)
    ).all()
    history = session.scalars(
        select(Case)
        .where(Case.suspect_account_id == case.suspect_account_id, Case.id != case.id)
        .order_by(Case.opened_at.desc())
        .limit(SUSPECT_HISTORY)
    ).all()
    return CasePage(
        contents=contents,
        accounts=accounts,
        actions=actions,
        referrals=_referral_boxes(session, case_id),
        bundles=bundles,
        media_ids=media_ids,
        trail=trail,
        names=actor_names(session, {entry.actor for entry in trail}),
        notes=notes_of(session, case_id),
        assignee=session.get(ConsoleUser, case.assigned_to) if case.assigned_to else None,
        suspect_history=history,
        matches=_known_image_matches(session, matched),
        alert_cues=own_cues(contents.alerts),
    )


@dataclass(frozen=True, slots=True)
class CaseImage:
    media_id: str
    case_id: str  # the case whose evidence includes it
    content: bytes
    content_type: str


def case_image(session: Session, media_id: str) -> CaseImage | None:
    """A stored image that belongs to a case; None for any other id."""
    stored = session.get(StoredMedia, media_id)
    case_id = case_of_media(session, media_id) if stored is not None else None
    if stored is None or case_id is None:
        return None
    return CaseImage(media_id, case_id, stored.content, stored.content_type)


def evidence_bundle(session: Session, bundle_id: str) -> EvidenceBundle | None:
    return session.get(EvidenceBundle, bundle_id)


def console_users(session: Session) -> Sequence[ConsoleUser]:
    """Every console user, by username."""
    return session.scalars(select(ConsoleUser).order_by(ConsoleUser.username)).all()
