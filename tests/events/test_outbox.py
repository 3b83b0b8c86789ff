"""The outbox: an event exists exactly when its transaction commits, carries exactly its
type's fields, and reads back in order by cursor (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from childsafe.events import emit
from childsafe.events.outbox import GAP_GRACE, OUTBOX, read_events
from childsafe.store.db import Database
from tests.helpers.events import ALERT_RAISED

CASE_OPENED = {
    "case_id": "case-1",
    "suspect_id": "acct-9",
    "priority": "high",
    "source": "alert",
    "reasons": ["invented test reason"],
}


def test_an_event_exists_only_if_its_transaction_commits(database: Database) -> None:
    with database.engine.begin() as connection:
        kept = emit(connection, "case.opened", CASE_OPENED)
    with pytest.raises(RuntimeError), database.session() as session:
        emit(session, "case.opened", CASE_OPENED)
        raise RuntimeError("the change fails after its event was written")
    with database.engine.connect() as connection:
        page = read_events(connection)
        stored = connection.execute(select(func.count()).select_from(OUTBOX)).scalar_one()
    assert [event.id for event in page.events] == [kept] and stored == 1
    assert page.events[0].document()["data"] == CASE_OPENED


def test_unknown_type_missing_and_extra_fields_are_refused(database: Database) -> None:
    with database.session() as session:
        with pytest.raises(ValueError, match="unknown event type"):
            emit(session, "case.vanished", CASE_OPENED)
        with pytest.raises(ValueError, match=r"missing field.*priority"):
            emit(session, "case.opened", {k: v for k, v in CASE_OPENED.items() if k != "priority"})
        with pytest.raises(ValueError, match=r"does not carry.*message_text"):
            emit(session, "case.opened", {**CASE_OPENED, "message_text": "invented"})
    with database.engine.connect() as connection:
        assert read_events(connection).events == []


def test_feed_pages_in_order_and_filters_by_type(database: Database) -> None:
    occurred_at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    with database.session() as session:
        ids = [
            emit(session, "case.opened", {**CASE_OPENED, "case_id": f"case-{n}"}) for n in range(5)
        ]
        alert = emit(session, "alert.raised", ALERT_RAISED, occurred_at=occurred_at)
        emit(session, "case.opened", CASE_OPENED)
    with database.engine.connect() as connection:
        first = read_events(connection, limit=2)
        second = read_events(connection, after=first.next_cursor, limit=10)
        alerts = read_events(connection, types={"alert.raised"}, limit=10)
        after_end = read_events(connection, after=second.next_cursor)
    assert [e.id for e in first.events + second.events][:6] == [*ids, alert]
    assert second.events[3].document()["timestamp"] == "2026-12-01T12:00:00+00:00"
    assert [e.id for e in alerts.events] == [alert]
    assert alerts.next_cursor == second.next_cursor  # the filter skipped the rest
    assert after_end.events == [] and after_end.next_cursor == second.next_cursor


def test_a_fresh_gap_holds_the_cursor_until_it_is_settled(database: Database) -> None:
    """Seq 2 rolled back (or not committed yet): the reader stops before 3 until 3 is old."""
    with database.engine.begin() as connection:
        emit(connection, "case.opened", CASE_OPENED)
    with pytest.raises(RuntimeError), database.engine.begin() as connection:
        emit(connection, "case.opened", CASE_OPENED)
        raise RuntimeError("rolled back")
    with database.engine.begin() as connection:
        # SQLite reuses a rolled-back rowid; make the gap explicit on both backends.
        emit(connection, "case.opened", CASE_OPENED)
        connection.execute(update(OUTBOX).where(OUTBOX.c.seq == 2).values(seq=3))
    with database.engine.connect() as connection:
        fresh = read_events(connection)
    assert [e.seq for e in fresh.events] == [1] and fresh.next_cursor == 1
    with database.engine.begin() as connection:
        old = datetime.now(UTC) - GAP_GRACE - timedelta(seconds=1)
        connection.execute(update(OUTBOX).where(OUTBOX.c.seq == 3).values(created_at=old))
    with database.engine.connect() as connection:
        settled = read_events(connection, after=fresh.next_cursor)
    assert [e.seq for e in settled.events] == [3]
