"""Registering many accounts and connections at once (bulk import, batch API).

The same rules as PUT /v1/accounts/{id} and PUT /v1/connections/{a}/{b}, applied to a chunk
of records with one read and one write per table: re-sending a record changes nothing
(`unchanged`), and a record that fails says why without stopping the others. A bulk path
never lowers a child's protection (an older band, looser settings): that needs the single
route, which checks the key's scope and records the change in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from childsafe.accounts.settings import (
    ChangeOutcome,
    ChangeStatus,
    InvalidSetting,
    apply_changes,
    band_change_loosens,
    effective_settings,
    loosened_settings,
)
from childsafe.model import AgeBand
from childsafe.model.clock import as_utc, utcnow
from childsafe.store.db import Database
from childsafe.store.tables.service import Account, Connection

Record = TypeVar("Record")

accounts: Table = Account.__table__  # type: ignore[assignment]
connections: Table = Connection.__table__  # type: ignore[assignment]

# Records per transaction: large enough that a round trip is cheap per record, small enough
# that a chunk holds its locks only briefly beside the message path.
CHUNK_RECORDS = 1000


class ItemStatus(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class ItemResult:
    status: ItemStatus
    error: str = ""
    # Requested settings that did not apply (refused, or waiting for the notice).
    not_applied: tuple[ChangeOutcome, ...] = ()


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """One account as PUT /v1/accounts/{id} takes it (validated by the API's model)."""

    id: str
    age_band: AgeBand
    display_name: str | None = None
    created_at: datetime | None = None
    settings: Mapping[str, str] = field(default_factory=dict)
    notice_acknowledged: bool = False


class SelfConnection(ValueError):
    def __init__(self) -> None:
        super().__init__("an account cannot be connected to itself")


def ordered_pair(a: str, b: str) -> tuple[str, str]:
    """A connection is stored once, smaller id first."""
    if a == b:
        raise SelfConnection()
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True, slots=True)
class _Row:
    age_band: str
    display_name: str | None
    created_at: datetime
    settings: dict[str, Any]


def register_accounts(session: Session, records: Sequence[AccountRecord]) -> list[ItemResult]:
    """Create or update the records' accounts in the session's transaction, one result each.

    Records are applied in order, so a later record for the same id sees the earlier one.
    """
    ids = list({record.id for record in records})
    stored = {
        row.id: _Row(row.age_band, row.display_name, as_utc(row.created_at), dict(row.settings))
        for row in session.execute(
            select(
                Account.id,
                Account.age_band,
                Account.display_name,
                Account.created_at,
                Account.settings,
            ).where(Account.id.in_(ids))
        )
    }
    current = dict(stored)  # rows are replaced, never changed in place
    results = [_apply(current, record) for record in records]
    now = utcnow()
    # In id order, so two imports touching the same accounts lock them in the same order.
    final = sorted(current.items())
    new = [{"id": id, **_fields(row), "updated_at": now} for id, row in final if id not in stored]
    changed = [
        {"account_id": id, **_fields(row), "updated_at": now}
        for id, row in final
        if id in stored and row != stored[id]
    ]
    # Core statements: the ORM's bulk paths cost more than the database per row.
    if new:
        session.execute(insert(accounts), new)
    if changed:
        session.execute(update(accounts).where(accounts.c.id == bindparam("account_id")), changed)
    return results


def _fields(row: _Row) -> dict[str, Any]:
    return {
        "age_band": row.age_band,
        "display_name": row.display_name,
        "created_at": row.created_at,
        "settings": row.settings,
    }


def _apply(current: dict[str, _Row], record: AccountRecord) -> ItemResult:
    row = current.get(record.id)
    if not record.settings and (row is None or row.age_band == record.age_band.value):
        # Nothing asked of the settings and the same band: nothing can loosen (the fast
        # path of an import, where most lines are new accounts or repeats).
        settings = row.settings if row is not None else {}
        not_applied: tuple[ChangeOutcome, ...] = ()
    else:
        checked = _checked_settings(row, record)
        if isinstance(checked, ItemResult):
            return checked
        settings, not_applied = checked
    # As PUT does: a field left out keeps its stored value (a new account: none, and now).
    updated = _Row(
        age_band=record.age_band.value,
        display_name=record.display_name
        if record.display_name is not None
        else (row.display_name if row is not None else None),
        created_at=as_utc(record.created_at)
        if record.created_at is not None
        else (row.created_at if row is not None else utcnow()),
        settings=settings,
    )
    current[record.id] = updated
    if row is None:
        return ItemResult(ItemStatus.CREATED, not_applied=not_applied)
    status = ItemStatus.UNCHANGED if updated == row else ItemStatus.UPDATED
    return ItemResult(status, not_applied=not_applied)


def _checked_settings(
    row: _Row | None, record: AccountRecord
) -> tuple[dict[str, Any], tuple[ChangeOutcome, ...]] | ItemResult:
    """The settings to store and the requested ones that did not apply, or the error when
    the record would lower a child's protection."""
    old_band = record.age_band if row is None else AgeBand(row.age_band)
    if old_band.is_child and band_change_loosens(old_band, record.age_band):
        return ItemResult(
            ItemStatus.ERROR,
            f"age_band {old_band.value} -> {record.age_band.value} lowers a child's "
            f"protection: use PUT /v1/accounts/{record.id} with a moderation key (audited)",
        )
    stored = row.settings if row is not None else {}
    try:
        change = apply_changes(record.age_band, stored, record.settings, record.notice_acknowledged)
    except InvalidSetting as error:
        return ItemResult(ItemStatus.ERROR, str(error))
    if old_band.is_child:
        loosened = loosened_settings(effective_settings(old_band, stored), change.effective)
        if loosened:
            return ItemResult(
                ItemStatus.ERROR,
                f"loosens a child's settings ({', '.join(sorted(loosened))}): use "
                f"PUT /v1/accounts/{record.id}, which records it in the audit log",
            )
    not_applied = tuple(o for o in change.outcomes if o.status is not ChangeStatus.APPLIED)
    return change.stored, not_applied


def connect_accounts(session: Session, pairs: Sequence[tuple[str, str]]) -> list[ItemResult]:
    """Connect each pair (idempotent) in the session's transaction, one result each."""
    ids = list({id for pair in pairs for id in pair})
    known = set(session.scalars(select(Account.id).where(Account.id.in_(ids))))
    ordered: list[tuple[str, str] | ItemResult] = []
    for a, b in pairs:
        missing = sorted({a, b} - known)
        if missing:
            ordered.append(
                ItemResult(ItemStatus.ERROR, f"unknown account(s): {', '.join(missing)}")
            )
            continue
        try:
            ordered.append(ordered_pair(a, b))
        except SelfConnection as error:
            ordered.append(ItemResult(ItemStatus.ERROR, str(error)))
    wanted = {pair for pair in ordered if isinstance(pair, tuple)}
    existing: set[tuple[str, str]] = set()
    if wanted:
        rows = session.execute(
            select(Connection.account_a, Connection.account_b).where(
                tuple_(Connection.account_a, Connection.account_b).in_(wanted)
            )
        )
        existing = {(a, b) for a, b in rows}
    fresh = wanted - existing
    if fresh:
        now = utcnow()
        session.execute(
            insert(connections),
            [{"account_a": a, "account_b": b, "created_at": now} for a, b in sorted(fresh)],
        )
    results = []
    for pair in ordered:
        if isinstance(pair, ItemResult):
            results.append(pair)
        elif pair in fresh:
            fresh.discard(pair)  # a pair listed twice is created once
            results.append(ItemResult(ItemStatus.CREATED))
        else:
            results.append(ItemResult(ItemStatus.UNCHANGED))
    return results


def write_in_chunks(
    database: Database,
    items: Iterable[tuple[int, Record | str]],
    write: Callable[[Session, Sequence[Record]], list[ItemResult]],
    chunk_records: int = CHUNK_RECORDS,
) -> Iterator[tuple[int, ItemResult]]:
    """(position, result) for each (position, record) in order, one transaction per chunk;
    an item that is a string is the reason its record was invalid, reported as an error.

    Streams: only one chunk is held in memory, however many items there are.
    """
    pending = iter(items)
    while chunk := list(islice(pending, chunk_records)):
        records = [item for _, item in chunk if not isinstance(item, str)]
        try:
            with database.session() as session:
                written = write(session, records) if records else []
        except IntegrityError:  # another writer registered one of these ids meanwhile
            with database.session() as session:
                written = write(session, records)
        results = iter(written)
        for position, item in chunk:
            if isinstance(item, str):
                yield position, ItemResult(ItemStatus.ERROR, item)
            else:
                yield position, next(results)
