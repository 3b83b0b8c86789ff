"""Named hash banks in the database: create, enable/disable, add entries, list."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from childsafe.hashbanks.importers import ImportedHash
from childsafe.hashbanks.pdq_index import DEFAULT_THRESHOLD, HASH_BITS
from childsafe.model.clock import utcnow
from childsafe.store.tables.hashbanks import HashBank, HashEntry

# Allow-list entries suppress matches near a known false positive only, not its whole
# neighbourhood at the match distance (which could hide a true near-duplicate).
DEFAULT_ALLOW_THRESHOLD = 16
INSERT_CHUNK = 5_000


class BankKind(StrEnum):
    MATCH = "match"  # known abuse: a hit blocks the image and opens a case
    ALLOW = "allow"  # known false positives: a hit suppresses matches ("never match")


class BankError(ValueError):
    """The bank does not exist, or the request would make it invalid."""


@dataclass(frozen=True, slots=True)
class BankSummary:
    id: str
    name: str
    kind: str
    source: str
    source_date: date | None
    enabled: bool
    pdq_threshold: int
    entries: dict[str, int]  # per hash kind
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AddResult:
    added: int
    already_present: int


def create_bank(
    session: Session,
    *,
    name: str,
    source: str,
    kind: BankKind = BankKind.MATCH,
    source_date: date | None = None,
    description: str | None = None,
    pdq_threshold: int | None = None,
) -> HashBank:
    name = name.strip()
    if not name:
        raise BankError("a bank needs a name")
    if session.scalar(select(HashBank.id).where(HashBank.name == name)) is not None:
        raise BankError(f"a bank named {name!r} already exists")
    threshold = pdq_threshold
    if threshold is None:
        threshold = DEFAULT_ALLOW_THRESHOLD if kind == BankKind.ALLOW else DEFAULT_THRESHOLD
    if not 0 <= threshold < HASH_BITS // 4:
        raise BankError(f"PDQ threshold must be between 0 and {HASH_BITS // 4 - 1}")
    now = utcnow()
    bank = HashBank(
        id="bank_" + secrets.token_hex(6),
        name=name,
        kind=kind.value,
        source=source,
        source_date=source_date,
        description=description,
        enabled=True,
        pdq_threshold=threshold,
        created_at=now,
        updated_at=now,
    )
    session.add(bank)
    session.flush()
    return bank


def get_bank(session: Session, name_or_id: str) -> HashBank:
    bank = session.scalar(
        select(HashBank).where(or_(HashBank.id == name_or_id, HashBank.name == name_or_id))
    )
    if bank is None:
        raise BankError(f"no hash bank named {name_or_id!r}")
    return bank


def set_enabled(session: Session, bank: HashBank, enabled: bool) -> None:
    bank.enabled = enabled
    bank.updated_at = utcnow()


def add_entries(
    session: Session,
    bank: HashBank,
    entries: Sequence[ImportedHash],
    progress: Callable[[int], object] | None = None,
) -> AddResult:
    """Add hashes (deduplicated against the bank and within the list) in one transaction;
    `progress` is told how many were written after each chunk (a large list takes a while)."""
    present = {
        (kind, value)
        for kind, value in session.execute(
            select(HashEntry.kind, HashEntry.value).where(HashEntry.bank_id == bank.id)
        )
    }
    now = utcnow()
    rows = []
    for entry in entries:
        key = (entry.kind.value, entry.value)
        if key in present:
            continue
        present.add(key)
        label = entry.label[:500] if entry.label else None
        rows.append(
            {
                "bank_id": bank.id,
                "kind": key[0],
                "value": key[1],
                "label": label,
                "frames": entry.frames,
                "added_at": now,
            }
        )
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        session.execute(insert(HashEntry), chunk)
        if progress is not None:
            progress(len(chunk))
    bank.updated_at = now
    session.flush()
    return AddResult(added=len(rows), already_present=len(entries) - len(rows))


def list_banks(session: Session) -> list[BankSummary]:
    counts: dict[str, dict[str, int]] = {}
    for bank_id, kind, count in session.execute(
        select(HashEntry.bank_id, HashEntry.kind, func.count()).group_by(
            HashEntry.bank_id, HashEntry.kind
        )
    ):
        counts.setdefault(bank_id, {})[kind] = count
    return [
        BankSummary(
            id=bank.id,
            name=bank.name,
            kind=bank.kind,
            source=bank.source,
            source_date=bank.source_date,
            enabled=bank.enabled,
            pdq_threshold=bank.pdq_threshold,
            entries=counts.get(bank.id, {}),
            created_at=bank.created_at,
            updated_at=bank.updated_at,
        )
        for bank in session.scalars(select(HashBank).order_by(HashBank.name))
    ]


def banks_revision(session: Session) -> tuple[int, str]:
    """Changes whenever a bank is added, changed, enabled/disabled or gets entries."""
    count, latest = session.execute(
        select(func.count(HashBank.id), func.max(HashBank.updated_at))
    ).one()
    return int(count), str(latest)
