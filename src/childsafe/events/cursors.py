"""Where each reader of the outbox has got to: one `events_cursors` row per reader.

A reader locks its row for the length of one round (read a page, hand it on, move the row
past it), so its readers in several processes take turns and the row moves only once the
page was handed on: a crash in between leaves the row where it was, and the page is read
again (at least once). The webhook fan-out's row ("webhooks") is made by the migration; other
readers' rows (the NATS publisher's, one per stream) are made on first use, from the start.
"""

from __future__ import annotations

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from childsafe.events.outbox import OUTBOX
from childsafe.store.tables.events import EventCursor

CURSORS: Table = EventCursor.__table__  # type: ignore[assignment]


def lock_cursor(connection: Connection, name: str) -> int:
    """Lock the reader's row for this transaction, waiting for whoever holds it, and return
    its position (a missing row is made at 0)."""
    seq = _locked(connection, name, skip_locked=False)
    assert seq is not None  # waited for the lock
    return seq


def try_lock_cursor(connection: Connection, name: str) -> int | None:
    """As `lock_cursor`, but None at once when another transaction holds the row (on
    PostgreSQL; SQLite has one writer at a time anyway)."""
    return _locked(connection, name, skip_locked=True)


def _locked(connection: Connection, name: str, *, skip_locked: bool) -> int | None:
    row = select(CURSORS.c.seq).where(CURSORS.c.name == name)
    locked = row.with_for_update(skip_locked=skip_locked)
    seq = connection.execute(locked).scalar()
    if seq is None and connection.execute(row).first() is None:  # the reader's first round
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(
            dialect.insert(CURSORS)
            .values(name=name, seq=0)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        seq = connection.execute(locked).scalar()
    return None if seq is None else int(seq)


def save_cursor(connection: Connection, name: str, seq: int) -> None:
    """Move the (locked) row: the reader has handed on everything up to `seq`."""
    connection.execute(update(CURSORS).where(CURSORS.c.name == name).values(seq=seq))


def backlog(connection: Connection) -> dict[str, int]:
    """Events each reader has still to read (a monitoring figure, one query)."""
    behind = (
        select(func.count())
        .where(OUTBOX.c.seq > CURSORS.c.seq)
        .select_from(OUTBOX)
        .scalar_subquery()
    )
    return {
        str(name): int(count)
        for name, count in connection.execute(
            select(CURSORS.c.name, behind).order_by(CURSORS.c.name)
        )
    }
