"""A space's rating in force: counted content, the owner's floor, a moderator's override; and
what follows when it rises (history, the platform told, children above their band suspended).

Cost: a message or image in a space adds to one hourly bucket (one upsert); the rating is then
re-read from at most a week of buckets (168 rows, one indexed aggregate) once per batch per
space, so the cost per message does not grow with the space's history or size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select, text
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
    content_rating,
    highest,
)
from childsafe.store.db import Database
from childsafe.store.tables.service import Account
from childsafe.store.tables.spaces import Space, SpaceMember, SpaceRatingBucket, SpaceRatingChange

# The cue names that count as each kind of content (the rest of the tactics are grooming).
SEXUAL_CUES = frozenset({"sexual"})
SELF_HARM_CUES = frozenset({"dares_self_harm"})
COUNTED = ("messages", "sexual", "grooming", "nudity", "known_abuse", "self_harm")


@dataclass(frozen=True, slots=True)
class SpaceActivity:
    """One message or image in a space, as the rating counts it."""

    space_id: str
    sent_at: datetime
    cues: tuple[str, ...] = ()
    nudity: bool = False
    known_abuse: bool = False

    def counts(self) -> dict[str, int]:
        cues = set(self.cues)
        return {
            "messages": 1,
            "sexual": int(bool(cues & SEXUAL_CUES)),
            "grooming": int(bool(cues - SEXUAL_CUES - SELF_HARM_CUES)),
            "nudity": int(self.nudity),
            "known_abuse": int(self.known_abuse),
            "self_harm": int(bool(cues & SELF_HARM_CUES)),
        }


def _hour(at: datetime) -> int:
    return int(as_utc(at).timestamp() // 3600)


# One statement for a batch's buckets, the same SQL on both databases: a space that is not
# registered adds no row (the SELECT finds nothing), and concurrent writers of one bucket add up.
_ADD_TO_BUCKETS = text(
    f"INSERT INTO space_rating_buckets (space_id, hour, {', '.join(COUNTED)}) "
    "SELECT id, CAST(:hour AS INTEGER), "
    + ", ".join(f"CAST(:{n} AS INTEGER)" for n in COUNTED)
    + " FROM spaces WHERE id = :space_id ON CONFLICT (space_id, hour) DO UPDATE SET "
    + ", ".join(f"{n} = space_rating_buckets.{n} + excluded.{n}" for n in COUNTED)
)


def record_activity(session: Session, activity: Sequence[SpaceActivity]) -> None:
    """Count what flowed through spaces and re-rate each space whose rating that changes (in
    the caller's transaction): two statements per call, more only when a rating moves.
    Activity naming a space that is not registered is not counted."""
    added: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTED, 0))
    for item in activity:
        bucket = added[(item.space_id, _hour(item.sent_at))]
        for name, count in item.counts().items():
            bucket[name] += count
    if not added:
        return
    # Core on the session's connection: the ORM's execution layer cost more than the SQL.
    connection = session.connection()
    connection.execute(
        _ADD_TO_BUCKETS,
        [{"space_id": s, "hour": hour, **counts} for (s, hour), counts in added.items()],
    )
    windows = connection.execute(
        _WINDOWS,
        {"ids": sorted({s for s, _ in added}), "since": _hour(utcnow()) - WINDOW_HOURS + 1},
    )
    for space_id, rating, content, declared, override, *sums in windows.all():
        now_content = content_rating(WindowCounts(*(int(v) for v in sums)))[0]
        now_rating = highest(Rating(declared), Rating(override) if override else now_content)
        if (now_rating.value, now_content.value) != (rating, content):
            # Rare: locked, then re-read and applied (another writer may have done it).
            rerate(session, session.get_one(Space, space_id, with_for_update=True), "content")


def record_batch_activity(database: Database, activity: Sequence[SpaceActivity]) -> None:
    """`record_activity` for a batch of messages already stored, in its own transaction, which
    on PostgreSQL does not wait for its WAL flush: a rating is a statistic, so a crash may lose
    the last moment's counts, never a message, and the batch's answers do not wait a second
    flush."""
    with database.session() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        record_activity(session, activity)


def _sums() -> list[Any]:
    return [func.coalesce(func.sum(getattr(SpaceRatingBucket, n)), 0) for n in COUNTED]


_STORED = (
    Space.id,
    Space.rating,
    Space.content_rating,
    Space.declared_rating,
    Space.override_rating,
)
# The week's totals of the spaces a batch touched, with what is stored of their ratings (built
# once: constructing it cost more than running it).
_WINDOWS = (
    select(*_STORED, *_sums())
    .select_from(Space)
    .outerjoin(
        SpaceRatingBucket,
        and_(
            SpaceRatingBucket.space_id == Space.id,
            SpaceRatingBucket.hour >= bindparam("since"),
        ),
    )
    .where(Space.id.in_(bindparam("ids", expanding=True)))
    .group_by(*_STORED)
    .order_by(Space.id)
)


def window_counts(session: Session, space_id: str, now: datetime | None = None) -> WindowCounts:
    since = _hour(now or utcnow()) - WINDOW_HOURS + 1
    sums = session.execute(
        select(*_sums()).where(
            SpaceRatingBucket.space_id == space_id, SpaceRatingBucket.hour >= since
        )
    ).one()
    return WindowCounts(*(int(value) for value in sums))


def assess(space: Space, counts: WindowCounts) -> tuple[Rating, Rating, list[str]]:
    """The rating in force, the content's, and why in plain words (now, from `counts`)."""
    content, reasons = content_rating(counts)
    declared = Rating(space.declared_rating)
    chosen = Rating(space.override_rating) if space.override_rating else content
    if space.override_rating:
        reasons = [f"rated {space.override_rating} by a moderator: {space.override_reason}"]
    if declared.above(chosen):
        reasons = [f"rated {declared.value}: the owner declared it {declared.value}", *reasons]
    return highest(declared, chosen), content, reasons


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
        member.status = "suspended"
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


def history(session: Session, space_id: str) -> Iterable[SpaceRatingChange]:
    return session.scalars(
        select(SpaceRatingChange)
        .where(SpaceRatingChange.space_id == space_id)
        .order_by(SpaceRatingChange.id)
    )
