"""The console's read model: what the queue, a case page, the users page and the audit page
show, read in the caller's transaction and returned as typed records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from childsafe.cases.timeline import CaseContents, case_of_media, load_case
from childsafe.store.tables.cases import (
    AuditEntry,
    Case,
    CaseAction,
    ConsoleUser,
    EvidenceBundle,
    Referral,
)
from childsafe.store.tables.hashbanks import StoredMedia
from childsafe.store.tables.service import Account

QUEUE_PAGE = 50
# The queue's tabs and the case statuses each shows.
QUEUE_STATUSES = {"open": ("open",), "in_progress": ("in_progress",)}
CASE_TRAIL_LENGTH = 30
AUDIT_PAGE = 100


@dataclass(frozen=True, slots=True)
class QueuePage:
    cases: Sequence[Case]  # most urgent first: priority, then SLA due time
    counts: dict[str, int]  # cases in the tab per priority (P1..P4)
    total: int
    overdue: int  # cases in the tab past their SLA
    pages: int


def queue_page(session: Session, status: str, page: int, now: datetime) -> QueuePage:
    """One page of the queue's `status` tab ("open" or "in_progress"), pages counted from 1."""
    statuses = QUEUE_STATUSES[status]
    cases = session.scalars(
        select(Case)
        .where(Case.status.in_(statuses))
        .order_by(Case.priority_rank, Case.sla_due_at, Case.id)
        .limit(QUEUE_PAGE)
        .offset((page - 1) * QUEUE_PAGE)
    ).all()
    counts: dict[str, int] = {
        priority: count
        for priority, count in session.execute(
            select(Case.priority, func.count())
            .where(Case.status.in_(statuses))
            .group_by(Case.priority)
        ).all()
    }
    overdue = session.scalar(
        select(func.count()).where(Case.status.in_(statuses), Case.sla_due_at < now)
    )
    total = sum(counts.values())
    return QueuePage(
        cases=cases,
        counts=counts,
        total=total,
        overdue=overdue or 0,
        pages=max((total + QUEUE_PAGE - 1) // QUEUE_PAGE, 1),
    )


class TakenAction(NamedTuple):
    action: CaseAction
    by: str  # the moderator's display name


@dataclass(frozen=True, slots=True)
class CasePage:
    contents: CaseContents
    accounts: dict[str, Account]  # the suspect and the victims that are still stored
    actions: Sequence[TakenAction]  # oldest first
    referrals: Sequence[Referral]  # oldest first
    bundles: Sequence[EvidenceBundle]  # sealed evidence, oldest first
    media_ids: set[str]  # the case's images that are still stored
    trail: Sequence[AuditEntry]  # the latest audit entries about the case, newest first


def case_page(session: Session, case_id: str) -> CasePage | None:
    """Everything a case page shows; None when there is no such case."""
    contents = load_case(session, case_id)
    if contents is None:
        return None
    account_ids = [contents.case.suspect_account_id, *contents.case.victim_account_ids]
    accounts = {
        account.id: account
        for account in session.scalars(select(Account).where(Account.id.in_(account_ids)))
    }
    actions = [
        TakenAction(action, by)
        for action, by in session.execute(
            select(CaseAction, ConsoleUser.display_name)
            .join(ConsoleUser, ConsoleUser.id == CaseAction.actor_user_id)
            .where(CaseAction.case_id == case_id)
            .order_by(CaseAction.created_at)
        ).all()
    ]
    referrals = session.scalars(
        select(Referral).where(Referral.case_id == case_id).order_by(Referral.requested_at)
    ).all()
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
    return CasePage(contents, accounts, actions, referrals, bundles, media_ids, trail)


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


def audit_entries(session: Session, before: int | None) -> Sequence[AuditEntry]:
    """A page of the audit log, newest first, older than entry `before` when given."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(AUDIT_PAGE)
    if before is not None:
        query = query.where(AuditEntry.seq < before)
    return session.scalars(query).all()
