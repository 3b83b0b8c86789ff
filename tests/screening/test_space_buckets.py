"""Space rating buckets on the message path: a batch adds one row per space and hour (not per
message) inside the storage's write, on PostgreSQL inside its single write statement, and the
write answers with the touched spaces' week totals, so a rising rating follows at once.

The chat lines are invented for the tests and mild; the "sexual" one carries only the trigger
word the detector counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.screening import IncomingMessage
from childsafe.screening.screener import Screener
from childsafe.screening.storage import BatchWrites, storage_for
from childsafe.spaces import SpaceActivity, bucket_rows
from childsafe.spaces.ratings import Rating
from childsafe.spaces.registry import put_space
from childsafe.store.db import Database
from childsafe.store.tables.service import Account
from childsafe.store.tables.spaces import Space, SpaceRatingBucket

SEXUAL = "feeling so horny tonight"  # invented; the trigger word only


@pytest.fixture
def spaces(database: Database) -> Database:
    """Two adults and two registered spaces."""
    with database.session() as session:
        for account in ("owner", "friend"):
            session.add(Account(id=account, age_band="adult", settings={}))
        session.flush()
        for space in ("club", "quiz"):
            put_space(session, space, kind="room", owner_id="owner", declared_rating=Rating.U)
    return database


@contextmanager
def statements_sent(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])  # (connection, cursor, statement, ...)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def test_a_batch_adds_one_row_per_space_and_hour_and_answers_the_week(spaces: Database) -> None:
    now = datetime.now(UTC)
    earlier = now - timedelta(hours=3)
    storage = storage_for(spaces.engine)
    with spaces.session() as session:
        storage.write(
            session.connection(),
            BatchWrites(space_buckets=bucket_rows([SpaceActivity("club", earlier, ("sexual",))])),
        )
    activity = [
        *(SpaceActivity("club", now) for _ in range(5)),
        SpaceActivity("club", now, ("secrecy",)),
        SpaceActivity("quiz", now),
        SpaceActivity("nowhere", now),  # not registered: not counted
    ]
    rows = bucket_rows(activity)
    assert [(r["space_id"], r["messages"]) for r in rows] == [
        ("club", 6),
        ("nowhere", 1),
        ("quiz", 1),
    ]
    with statements_sent(spaces) as statements, spaces.session() as session:
        windows = storage.write(session.connection(), BatchWrites(space_buckets=rows))
    if spaces.engine.dialect.name == "postgresql":
        assert len(statements) == 1  # folded into the batch's one write statement
    by_space = {w.space_id: w for w in windows}
    assert sorted(by_space) == ["club", "quiz"]
    club = by_space["club"].counts
    assert (club.messages, club.sexual, club.grooming) == (7, 1, 1)  # both hours of the week
    assert by_space["club"].moved() and not by_space["quiz"].moved()
    with spaces.session() as session:
        buckets = session.execute(
            select(SpaceRatingBucket.space_id, SpaceRatingBucket.messages).order_by(
                SpaceRatingBucket.space_id, SpaceRatingBucket.hour
            )
        ).all()
    assert [tuple(b) for b in buckets] == [("club", 1), ("club", 6), ("quiz", 1)]


@pytest.mark.parametrize("defer_case_intake", [False, True])
def test_a_batch_in_a_space_raises_its_rating_with_the_batch(
    spaces: Database, defer_case_intake: bool
) -> None:
    """Deferred intake on PostgreSQL is the single autocommit statement; otherwise the batch's
    transaction: both re-rate the space the batch moved."""
    screener = Screener(
        spaces, Policy.default(), RiskTracker.default(), defer_case_intake=defer_case_intake
    )
    now = datetime.now(UTC)
    batch = [
        IncomingMessage(
            f"m{n}", f"chat{n % 2}", "owner", ("friend",), SEXUAL if n < 2 else "gg", now, "club"
        )
        for n in range(6)
    ]
    answers = screener.screen_batch(batch)
    assert all(isinstance(a, dict) for a in answers), answers
    with spaces.session() as session:
        club = session.get_one(Space, "club")
        assert club.rating == "18" and club.content_rating == "18"
        buckets = session.scalars(select(SpaceRatingBucket)).all()
    assert [(b.space_id, b.messages, b.sexual) for b in buckets] == [("club", 6, 2)]
