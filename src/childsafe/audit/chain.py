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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from childsafe.model.clock import as_utc, utcnow
from childsafe.store.tables.cases import AuditEntry, AuditHead

AUDIT_HEAD: Table = AuditHead.__table__  # type: ignore[assignment]
AUDIT_LOG: Table = AuditEntry.__table__  # type: ignore[assignment]
# Built once: building a statement costs more CPU than running it.
TAKE_SEQS = (
    update(AUDIT_HEAD)
    .where(AUDIT_HEAD.c.id == 1)
    .values(last_seq=AUDIT_HEAD.c.last_seq + bindparam("count"))
    .returning(AUDIT_HEAD.c.last_seq, AUDIT_HEAD.c.last_hash)
)
SET_LAST_HASH = update(AUDIT_HEAD).where(AUDIT_HEAD.c.id == 1)
INSERT_ENTRY = insert(AUDIT_LOG)
TOUCH_HEAD = update(AUDIT_HEAD).where(AUDIT_HEAD.c.id == 1).values(last_seq=AUDIT_HEAD.c.last_seq)
LOCK_HEAD = select(AUDIT_HEAD.c.id).where(AUDIT_HEAD.c.id == 1).with_for_update()
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
    """Take the audit head's lock now, before reading or locking what we will change.

    Every audited read-modify-write (merging into a case, a decision) calls this first, so all
    of them take their locks in one order: the head, then their rows. Locking a case row first
    and the head later (in `record`) could deadlock with a transaction doing the reverse, e.g.
    two screening processes each merging alerts into two suspects' cases.
    On SQLite transactions begin at their first write, so a read-modify-write could otherwise
    read a state another writer is about to replace: a no-op write on the head takes the
    database's write lock (writers queue on busy_timeout). PostgreSQL locks the head row.
    """
    connection = session.connection()
    connection.execute(TOUCH_HEAD if connection.dialect.name == "sqlite" else LOCK_HEAD)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry to append: what `record` takes, for `record_many`."""

    actor: str
    action: str
    target_type: str
    target_id: str
    details: Mapping[str, Any] | None = None
    at: datetime | None = None


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    details: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> int:
    """Append one entry in the caller's transaction (it commits or rolls back with the work).

    Returns the entry's sequence number.
    """
    entry = Entry(actor, action, target_type, target_id, details, at)
    return record_many(session, [entry])[0]


def record_many(session: Session, entries: Sequence[Entry]) -> list[int]:
    """Append entries, in order, in the caller's transaction; returns their sequence numbers.

    Three Core statements however many entries: the ORM's flush cost more than the appends
    themselves on the message path, which records one per alert.
    """
    if not entries:
        return []
    connection = session.connection()
    # Taking the head's lock first orders concurrent appenders; see the module docstring.
    head = connection.execute(TAKE_SEQS, {"count": len(entries)}).one()
    seq = int(head.last_seq) - len(entries)
    prev_hash = head.last_hash
    rows = []
    for entry in entries:
        seq += 1
        at = as_utc(entry.at) if entry.at else utcnow()
        document = {
            "seq": seq,
            "at": _timestamp(at),
            "actor": entry.actor,
            "action": entry.action,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            # Round-trip through JSON so we hash exactly what the JSON column will give back.
            "details": json.loads(canonical_json(dict(entry.details or {}))),
        }
        entry_hash = chain_hash(prev_hash, document)
        rows.append({**document, "at": at, "prev_hash": prev_hash, "hash": entry_hash})
        prev_hash = entry_hash
    connection.execute(INSERT_ENTRY, rows)
    connection.execute(SET_LAST_HASH, {"last_hash": prev_hash})
    return [row["seq"] for row in rows]


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
