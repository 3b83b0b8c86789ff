"""What every referral says about a case, gathered once for all exporters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.cases.timeline import CaseContents, TimelineMessage, load_case
from childsafe.model import AgeBand
from childsafe.model.clock import as_utc
from childsafe.store.tables.cases import CaseAction, EvidenceBundle, Referral
from childsafe.store.tables.hashbanks import HashBank, HashEntry, HashMatch
from childsafe.store.tables.service import Account


class ReferralError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Person:
    account_id: str
    display_name: str | None
    age_band: str

    @property
    def is_child(self) -> bool:
        return self.age_band != AgeBand.ADULT


@dataclass(frozen=True, slots=True)
class Decision:
    kind: str
    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class KnownImage:
    """An image in the case that matched a hash bank of known abuse images."""

    media_id: str
    bank: str  # the bank's name
    kind: str  # pdq | md5 | sha256
    hash: str  # the bank entry it matched (lower-case hex)
    distance: int  # Hamming distance for PDQ; 0 for an exact hash
    transform: str  # how the image was altered to match (none, rotate_90, ...)
    matched_at: datetime


@dataclass(frozen=True, slots=True)
class ReferralFacts:
    contents: CaseContents
    suspect: Person
    victims: list[Person]
    first_seen: datetime
    decisions: list[Decision]
    referral: Referral | None  # the approved one, if any
    bundle: EvidenceBundle | None  # the latest sealed evidence
    known_images: list[KnownImage]

    @property
    def draft(self) -> bool:
        """No second specialist approved a referral: the export is a draft for review."""
        return self.referral is None

    @property
    def cues(self) -> list[str]:
        return self.contents.case.cues

    @property
    def flagged_messages(self) -> list[TimelineMessage]:
        return [m for c in self.contents.conversations for m in c.messages if m.flags]

    def decided(self, kind: str) -> Decision | None:
        return next((d for d in reversed(self.decisions) if d.kind == kind), None)


def gather(session: Session, case_id: str) -> ReferralFacts:
    contents = load_case(session, case_id, message_limit=None)
    if contents is None:
        raise ReferralError(f"no case {case_id!r}")
    case = contents.case
    accounts = {
        account.id: account
        for account in session.scalars(
            select(Account).where(
                Account.id.in_([case.suspect_account_id, *case.victim_account_ids])
            )
        )
    }

    def person(account_id: str) -> Person:
        account = accounts.get(account_id)
        return Person(
            account_id,
            account.display_name if account else None,
            account.age_band if account else AgeBand.UNKNOWN,
        )

    decisions = [
        Decision(action.kind, as_utc(action.created_at), action.reason)
        for action in session.scalars(
            select(CaseAction).where(CaseAction.case_id == case_id).order_by(CaseAction.created_at)
        )
    ]
    referral = session.scalar(
        select(Referral).where(Referral.case_id == case_id, Referral.status == "approved")
    )
    bundle = session.scalar(
        select(EvidenceBundle)
        .where(EvidenceBundle.case_id == case_id)
        .order_by(EvidenceBundle.sealed_at.desc())
        .limit(1)
    )
    # The earliest message, report or match in the case (what incidentDateTime documents).
    first_seen = min(
        [
            *(as_utc(item.occurred_at) for item in contents.items),
            *(as_utc(m.sent_at) for c in contents.conversations for m in c.messages),
            *(as_utc(report.created_at) for report in contents.reports),
        ],
        default=as_utc(case.opened_at),
    )
    return ReferralFacts(
        contents=contents,
        suspect=person(case.suspect_account_id),
        victims=[person(v) for v in case.victim_account_ids],
        first_seen=first_seen,
        decisions=decisions,
        referral=referral,
        bundle=bundle,
        known_images=_known_images(session, contents),
    )


def _known_images(session: Session, contents: CaseContents) -> list[KnownImage]:
    media_ids = [item.source_id for item in contents.items if item.source == "hash_match"]
    rows = session.execute(
        select(HashMatch, HashBank.name, HashEntry.value)
        .join(HashBank, HashBank.id == HashMatch.bank_id)
        .join(HashEntry, HashEntry.id == HashMatch.entry_id)
        .where(HashMatch.media_id.in_(media_ids))
        .order_by(HashMatch.created_at, HashMatch.id)
    )
    return [
        KnownImage(
            match.media_id,
            bank,
            match.kind,
            value,
            match.distance,
            match.transform,
            as_utc(match.created_at),
        )
        for match, bank, value in rows
    ]


def transcript(facts: ReferralFacts) -> str:
    """The conversations as plain text, one line per message, flagged lines marked."""
    lines: list[str] = []
    for conversation in facts.contents.conversations:
        lines.append(f"--- conversation {conversation.conversation_id} ---")
        for message in conversation.messages:
            mark = (
                " [FLAGGED: " + "; ".join(f.label for f in message.flags) + "]"
                if message.flags
                else ""
            )
            text = message.text if message.media_id is None else f"[image {message.media_id}]"
            lines.append(f"{message.sent_at.isoformat()} {message.sender_id}: {text}{mark}")
    return "\n".join(lines)
