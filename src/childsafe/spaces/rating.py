"""A space's rating in force: counted content, the owner's floor, a moderator's override; and
what follows when it rises (history, the platform told, children above their band suspended)
and when a moderator's decision brings it back within their band (those children reinstated).

Cost: a batch of messages or an image adds one row per space and hour to the hourly buckets
(`bucket_rows`), written with the rest of the batch (the message path's storage: on PostgreSQL
inside its single write statement); the touched spaces' week totals (at most 168 buckets each,
one indexed aggregate) come back from the same write, and only a space whose rating moves is
locked and re-rated. So the cost per message does not grow with the space's history or size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import orjson
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from childsafe.events.outbox import emit
from childsafe.model import AgeBand
from childsafe.model.clock import as_utc, utcnow
from childsafe.spaces.ratings import (
    BAND_LIMITS,
    WINDOW_HOURS,
    Rating,
    WindowCounts,
    allowed,
    content_level,
    content_rating,
    in_force,
)
from childsafe.store.tables.service import Account
from childsafe.store.tables.spaces import Space, SpaceMember, SpaceRatingBucket, SpaceRatingChange

# The cue names that count as each kind of content (the rest of the tactics are grooming).
SEXUAL_CUES = frozenset({"sexual"})
SELF_HARM_CUES = frozenset({"dares_self_harm"})
# The buckets' counters, in WindowCounts' order.
COUNTED = ("messages", "sexual", "grooming", "nudity", "known_abuse", "self_harm")
# A member's `suspended_for` when the rating suspended them (what a moderator's review undoes).
RATING_SUSPENSION = "rating"


@dataclass(frozen=True, slots=True)
class SpaceActivity:
    """One message or image in a space, as the rating counts it."""

    space_id: str
    sent_at: datetime
    cues: tuple[str, ...] = ()
    nudity: bool = False
    known_abuse: bool = False

    def counts(self) -> tuple[int, ...]:
        """What it adds to each of COUNTED."""
        cues = set(self.cues)
        return (
            1,
            int(bool(cues & SEXUAL_CUES)),
            int(bool(cues - SEXUAL_CUES - SELF_HARM_CUES)),
            int(self.nudity),
            int(self.known_abuse),
            int(bool(cues & SELF_HARM_CUES)),
        )


def _hour(at: datetime) -> int:
    return int(as_utc(at).timestamp() // 3600)


def window_start_hour(now: datetime | None = None) -> int:
    """The first hourly bucket inside the rating's window."""
    return _hour(now or utcnow()) - WINDOW_HOURS + 1


def bucket_rows(activity: Iterable[SpaceActivity]) -> list[dict[str, Any]]:
    """What a batch adds to its spaces' buckets: one row per space and hour, however many
    messages, sorted so that concurrent writers lock the buckets in one order (no deadlock)."""
    added: dict[tuple[str, int], list[int]] = {}
    for item in activity:
        key = (item.space_id, _hour(item.sent_at))
        totals = added.get(key)
        if totals is None:
            added[key] = list(item.counts())
        else:
            for index, count in enumerate(item.counts()):
                totals[index] += count
    return [
        {"space_id": space_id, "hour": hour, **dict(zip(COUNTED, totals, strict=True))}
        for (space_id, hour), totals in sorted(added.items())
    ]


class SpaceWindow(NamedTuple):
    """A space a batch touched: its stored ratings and its week's totals after the batch."""

    space_id: str
    rating: str
    content_rating: str
    declared_rating: str
    override_rating: str | None
    counts: WindowCounts

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> SpaceWindow:
        """From (id, rating, content, declared, override, *the COUNTED sums)."""
        space_id, rating, content, declared, override, *sums = row
        return cls(
            space_id, rating, content, declared, override, WindowCounts._make(map(int, sums))
        )

    def moved(self) -> bool:
        """Whether the counts call for another rating (or content rating) than the stored."""
        content = content_level(self.counts)
        override = Rating(self.override_rating) if self.override_rating else None
        rating = in_force(Rating(self.declared_rating), override, content)
        return (rating.value, content.value) != (self.rating, self.content_rating)


# Adding a batch's rows, the same SQL on both databases (the portable path; PostgreSQL's
# message path folds it into its one write statement): a space that is not registered adds no
# row (the SELECT finds nothing), and concurrent writers of one bucket add up.
_ADD_TO_BUCKETS = text(
    f"INSERT INTO space_rating_buckets (space_id, hour, {', '.join(COUNTED)}) "
    "SELECT id, CAST(:hour AS INTEGER), "
    + ", ".join(f"CAST(:{n} AS INTEGER)" for n in COUNTED)
    + " FROM spaces WHERE id = :space_id ON CONFLICT (space_id, hour) DO UPDATE SET "
    + ", ".join(f"{n} = space_rating_buckets.{n} + excluded.{n}" for n in COUNTED)
)


def _sums() -> list[Any]:
    return [func.coalesce(func.sum(getattr(SpaceRatingBucket, n)), 0) for n in COUNTED]


# The week's totals of the spaces a batch touched, with what is stored of their ratings. Plain
# SQL with the ids as one JSON array: for a select() with an expanding IN, SQLAlchemy's cache
# key and parameter expansion cost more per batch than the query itself.
_STORED_COLUMNS = "s.id, s.rating, s.content_rating, s.declared_rating, s.override_rating"
_IDS_FROM_JSON = {
    "sqlite": "SELECT value FROM json_each(:ids)",
    "postgresql": "SELECT json_array_elements_text(CAST(:ids AS json))",
}
_WINDOWS = {
    dialect: text(
        f"SELECT {_STORED_COLUMNS}, "
        + ", ".join(f"COALESCE(SUM(b.{n}), 0)" for n in COUNTED)
        + " FROM spaces AS s LEFT JOIN space_rating_buckets AS b"
        " ON b.space_id = s.id AND b.hour >= :since"
        f" WHERE s.id IN ({ids}) GROUP BY {_STORED_COLUMNS} ORDER BY s.id"
    )
    for dialect, ids in _IDS_FROM_JSON.items()
}


def add_to_buckets(connection: Connection, rows: Sequence[dict[str, Any]]) -> list[SpaceWindow]:
    """Add `bucket_rows` (in the caller's transaction) and read the touched spaces' windows:
    two statements, whatever the number of messages."""
    if not rows:
        return []
    connection.execute(_ADD_TO_BUCKETS, list(rows))
    ids = orjson.dumps(sorted({row["space_id"] for row in rows})).decode()
    windows = connection.execute(
        _WINDOWS[connection.dialect.name], {"ids": ids, "since": window_start_hour()}
    )
    return [SpaceWindow.from_row(row) for row in windows]


def rerate_moved(session: Session, windows: Iterable[SpaceWindow]) -> None:
    """Re-rate the spaces whose rating the counts move (rare): each locked, then re-read and
    applied (another writer may have done it already)."""
    for window in windows:
        if window.moved():
            space = session.get_one(Space, window.space_id, with_for_update=True)
            rerate(session, space, "content")


def record_activity(session: Session, activity: Sequence[SpaceActivity]) -> None:
    """Count what flowed through spaces and re-rate each space whose rating that changes (in
    the caller's transaction). Activity naming a space that is not registered is not counted."""
    # Core on the session's connection: the ORM's execution layer cost more than the SQL.
    rerate_moved(session, add_to_buckets(session.connection(), bucket_rows(activity)))


def window_counts(session: Session, space_id: str, now: datetime | None = None) -> WindowCounts:
    since = window_start_hour(now)
    sums = session.execute(
        select(*_sums()).where(
            SpaceRatingBucket.space_id == space_id, SpaceRatingBucket.hour >= since
        )
    ).one()
    return WindowCounts._make(map(int, sums))


def assess(space: Space, counts: WindowCounts) -> tuple[Rating, Rating, list[str]]:
    """The rating in force, the content's, and why in plain words (now, from `counts`)."""
    content, reasons = content_rating(counts)
    declared = Rating(space.declared_rating)
    override = Rating(space.override_rating) if space.override_rating else None
    if override:
        reasons = [f"rated {override.value} by a moderator: {space.override_reason}"]
    if declared.above(override or content):
        reasons = [f"rated {declared.value}: the owner declared it {declared.value}", *reasons]
    return in_force(declared, override, content), content, reasons


def rerate(
    session: Session,
    space: Space,
    source: str,
    *,
    actor: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Set the rating in force from the content, the declared floor and any override; on a
    change record it with its reasons, tell the platform, and suspend the children it now
    leaves above their band (pending review)."""
    rating, content, reasons = assess(space, window_counts(session, space.id))
    space.content_rating = content.value
    space.reasons = reasons
    previous = space.rating
    space.updated_at = utcnow()
    if previous == rating.value:
        return
    space.rating = rating.value
    session.add(
        SpaceRatingChange(
            space_id=space.id,
            previous=previous,
            rating=rating.value,
            source=source,
            reasons=reasons,
            actor=actor,
            details=details,
            at=space.updated_at,
        )
    )
    emit(
        session,
        "space.rating_changed",
        {"space_id": space.id, "rating": rating.value, "previous": previous, "reasons": reasons},
    )
    _suspend_children_above(session, space, rating, reasons)


def _suspend_children_above(
    session: Session, space: Space, rating: Rating, reasons: list[str]
) -> None:
    members = session.execute(
        select(SpaceMember, Account.age_band)
        .join(Account, Account.id == SpaceMember.account_id)
        .where(SpaceMember.space_id == space.id, SpaceMember.status == "active")
    )
    for member, band in members:
        if allowed(AgeBand(band), rating):
            continue
        member.status, member.suspended_for = "suspended", RATING_SUSPENSION
        member.suspended_reason = (
            f"the space is now rated {rating.value}, above the {band} age band's "
            f"{BAND_LIMITS[AgeBand(band)].value}: suspended pending review"
        )
        emit(
            session,
            "space.member_suspended",
            {
                "space_id": space.id,
                "account_id": member.account_id,
                "age_band": band,
                "rating": rating.value,
                "reasons": [member.suspended_reason, *reasons],
            },
        )


def reinstate_after_review(session: Session, space: Space) -> list[str]:
    """After a moderator's decision on the rating (set or cleared; in the caller's
    transaction, the space locked): reinstate the children the rating suspended whose band the
    rating in force now allows, tell the platform, and return their account ids (for the
    override's audit entry).

    Only a moderator's decision reinstates, never a fall of the content rating on its own: the
    suspension said "pending review", and content can flap (a quiet week, then the same
    again), so a person decides. Members suspended for anything but the rating are left be.
    """
    rating = Rating(space.rating)
    decision = (
        f"a moderator rated the space {rating.value}"
        if space.override_rating == rating.value
        else f"after a moderator's review the space is rated {rating.value}"
    )
    members = session.execute(
        select(SpaceMember, Account.age_band)
        .join(Account, Account.id == SpaceMember.account_id)
        .where(
            SpaceMember.space_id == space.id,
            SpaceMember.status == "suspended",
            SpaceMember.suspended_for == RATING_SUSPENSION,
        )
        .order_by(SpaceMember.account_id)
    )
    reinstated = []
    for member, band in members:
        if not allowed(AgeBand(band), rating):
            continue
        member.status, member.suspended_for, member.suspended_reason = "active", None, None
        reinstated.append(member.account_id)
        emit(
            session,
            "space.member_reinstated",
            {
                "space_id": space.id,
                "account_id": member.account_id,
                "age_band": band,
                "rating": rating.value,
                "reasons": [
                    f"{decision}, within the {band} age band's "
                    f"{BAND_LIMITS[AgeBand(band)].value}: reinstated",
                    *space.reasons,
                ],
            },
        )
    return reinstated


def history(session: Session, space_id: str) -> Iterable[SpaceRatingChange]:
    return session.scalars(
        select(SpaceRatingChange)
        .where(SpaceRatingChange.space_id == space_id)
        .order_by(SpaceRatingChange.id)
    )
