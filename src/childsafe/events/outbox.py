"""The durable outbox: events written in the caller's transaction, read back in order.

An event exists exactly when the change that caused it commits, because it is one more row of
that change's transaction. Readers (the pull feed, the webhook fan-out) page by `seq`.

Sequence numbers are handed out when a row is inserted, not when it commits, so on PostgreSQL
seq 12 can be visible while seq 11's transaction is still open. A reader therefore stops at a
gap in the numbers until the row after it is `GAP_GRACE` old: by then the missing number was
rolled back (numbers are never reused), since no transaction that writes events stays open that
long. This keeps the cursor exact without serialising writers on the message path.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Table, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from childsafe.events.types import event_type
from childsafe.model.clock import as_utc, utcnow
from childsafe.store.tables.events import OutboxEvent

OUTBOX: Table = OutboxEvent.__table__  # type: ignore[assignment]
INSERT_EVENTS = insert(OUTBOX)
GAP_GRACE = timedelta(seconds=10)
# A filtered page looks at up to this many events to find its matches.
SCAN_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    id: str
    type: str
    data: dict[str, Any]
    occurred_at: datetime

    def document(self) -> dict[str, Any]:
        """The event as receivers get it, in a webhook's body and in the feed."""
        return {
            "id": self.id,
            "type": self.type,
            "timestamp": as_utc(self.occurred_at).isoformat(),
            "data": self.data,
        }


@dataclass(frozen=True, slots=True)
class EventPage:
    events: list[Event]
    # Where the next read starts: past every event returned and every one skipped by the filter.
    next_cursor: int


def event_row(
    event_type_name: str, data: Mapping[str, object], *, occurred_at: datetime | None = None
) -> dict[str, Any]:
    """A checked outbox row, for callers that insert a batch's events in one statement."""
    event_type(event_type_name).check(data)
    try:
        # Plain JSON now (datetimes become ISO strings), so what is stored is what is sent.
        document = orjson.loads(orjson.dumps(data))
    except TypeError as error:
        raise ValueError(f"event {event_type_name!r}: data is not JSON: {error}") from None
    now = utcnow()
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": event_type_name,
        "data": document,
        "occurred_at": occurred_at or now,
        "created_at": now,
    }


def emit_rows(connection: Connection | Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows made by `event_row` in the caller's transaction, in one statement."""
    if rows:
        _connection(connection).execute(INSERT_EVENTS, list(rows))


def emit(
    connection: Connection | Session,
    event_type: str,
    data: Mapping[str, object],
    *,
    occurred_at: datetime | None = None,
) -> str:
    """Write one event in the caller's transaction and return its id.

    Raises ValueError for an unknown type or data that is not exactly the type's fields.
    """
    row = event_row(event_type, data, occurred_at=occurred_at)
    emit_rows(connection, [row])
    return str(row["id"])


def settled_events(
    connection: Connection | Session,
    *,
    after: int = 0,
    types: Collection[str] | None = None,
    limit: int = 100,
) -> tuple[list[tuple[int, str]], int]:
    """(seq, type) of the committed events after the cursor, in order, at most `limit`, of
    `types` if given (an empty collection: none), and the cursor past them and every event the
    filter skipped. Reads no event's data: for readers that only route events (the webhook
    fan-out), and the first step of `read_events`."""
    for name in types or ():
        event_type(name)
    scan = limit if types is None else max(limit, SCAN_LIMIT)
    rows = _connection(connection).execute(
        select(OUTBOX.c.seq, OUTBOX.c.type, OUTBOX.c.created_at)
        .where(OUTBOX.c.seq > after)
        .order_by(OUTBOX.c.seq)
        .limit(scan)
    )
    settled_before = utcnow() - GAP_GRACE
    found: list[tuple[int, str]] = []
    cursor = after
    for seq, type_name, created_at in rows:
        if seq != cursor + 1 and as_utc(created_at) > settled_before:
            break  # an earlier number may still commit
        cursor = seq
        if types is None or type_name in types:
            found.append((seq, type_name))
            if len(found) == limit:
                break
    return found, cursor


def read_events(
    connection: Connection | Session,
    *,
    after: int = 0,
    types: Collection[str] | None = None,
    limit: int = 100,
) -> EventPage:
    """Committed events after the cursor, in order, at most `limit`, of `types` if given."""
    found, cursor = settled_events(connection, after=after, types=types, limit=limit)
    if not found:
        return EventPage([], cursor)
    # Only the events returned are read whole (their JSON decoded), not those filtered out.
    rows = _connection(connection).execute(
        select(OUTBOX.c.seq, OUTBOX.c.id, OUTBOX.c.type, OUTBOX.c.data, OUTBOX.c.occurred_at)
        .where(OUTBOX.c.seq.in_([seq for seq, _type in found]))
        .order_by(OUTBOX.c.seq)
    )
    return EventPage([Event(*row) for row in rows], cursor)


def _connection(connection: Connection | Session) -> Connection:
    return connection.connection() if isinstance(connection, Session) else connection
