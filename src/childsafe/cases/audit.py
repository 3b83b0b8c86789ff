"""The append-only, hash-chained audit log: who saw or did what, when, provably in order.

Each entry's hash is SHA-256 over the previous entry's hash followed by the canonical JSON of
the entry (sorted keys, no whitespace, UTF-8). Changing, removing or reordering any entry breaks
every hash after it, which `verify_chain` reports by naming the first entry that no longer fits.
Appends are serialised through the one `audit_head` row: updating it first takes the write lock
(a row lock on PostgreSQL, the database lock on SQLite), so two writers can never fork the chain.
The database itself refuses UPDATE and DELETE on the log (triggers in migration cases_0001).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from childsafe.cases.clock import as_utc, utcnow
from childsafe.store.tables.cases import AuditEntry, AuditHead

GENESIS_HASH = "0" * 64
SYSTEM = "system"
VERIFY_BATCH = 5000


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _timestamp(at: datetime) -> str:
    return as_utc(at).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_document(entry: AuditEntry) -> dict[str, Any]:
    """The fields the hash covers (everything but the hashes themselves)."""
    return {
        "seq": entry.seq,
        "at": _timestamp(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "details": entry.details,
    }


def chain_hash(prev_hash: str, document: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(document)).encode("utf-8")).hexdigest()


def serialise_writes(session: Session) -> None:
    """On SQLite, take the database's write lock now, before reading what we will change.

    SQLite transactions here begin at their first write, so a read-modify-write (merging into a
    case, a decision) could read a state another writer is about to replace and lose its update.
    A no-op write on the audit head takes the lock first (writers queue on busy_timeout).
    PostgreSQL needs nothing: there the rows are read FOR UPDATE.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(AuditHead).where(AuditHead.id == 1).values(last_seq=AuditHead.last_seq)
        )


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    details: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (it commits or rolls back with the work)."""
    # Taking the head's lock first orders concurrent appenders; see the module docstring.
    session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(last_seq=AuditHead.last_seq + 1)
    )
    head = session.execute(
        select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == 1)
    ).one()
    entry = AuditEntry(
        seq=head.last_seq,
        at=as_utc(at) if at else utcnow(),
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        # Round-trip through JSON so we hash exactly what the JSON column will give back.
        details=json.loads(canonical_json(dict(details or {}))),
        prev_hash=head.last_hash,
        hash="",
    )
    entry.hash = chain_hash(head.last_hash, entry_document(entry))
    session.add(entry)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=entry.hash))
    return entry


@dataclass(frozen=True, slots=True)
class ChainCheck:
    ok: bool
    entries: int
    first_broken_seq: int | None = None
    problem: str | None = None

    def describe(self) -> str:
        if self.ok:
            return f"audit log OK: {self.entries} entries, chain intact"
        return f"audit log BROKEN at entry {self.first_broken_seq}: {self.problem}"


def _entries(session: Session) -> Iterator[AuditEntry]:
    last = 0
    while True:
        batch = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.seq > last)
            .order_by(AuditEntry.seq)
            .limit(VERIFY_BATCH)
        ).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].seq
        session.expunge_all()


def verify_chain(session: Session) -> ChainCheck:
    """Walk the whole log in order; the first entry whose links or hash don't fit is named."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    count = 0
    for entry in _entries(session):
        problem = None
        if entry.seq != expected_seq:
            problem = f"expected entry {expected_seq} next, found {entry.seq} (entries missing)"
        elif entry.prev_hash != prev_hash:
            problem = "its prev_hash does not match the previous entry's hash"
        elif chain_hash(entry.prev_hash, entry_document(entry)) != entry.hash:
            problem = "its content does not match its hash (the entry was altered)"
        if problem:
            return ChainCheck(False, count, expected_seq, problem)
        prev_hash = entry.hash
        expected_seq += 1
        count += 1
    head = session.execute(select(AuditHead.last_seq, AuditHead.last_hash)).one()
    if head.last_seq != count or head.last_hash != prev_hash:
        return ChainCheck(
            False,
            count,
            count + 1,
            f"the head says {head.last_seq} entries but the log ends at {count} (entries removed)",
        )
    return ChainCheck(True, count)
