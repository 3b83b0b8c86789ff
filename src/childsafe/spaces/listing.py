"""What the API and the console read about spaces: one space with its rating in force, members
and history; and every space by rating and risk (the console's list)."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from childsafe.spaces.rating import (
    COUNTED,
    assess,
    history,
    rerate,
    window_counts,
    window_start_hour,
)
from childsafe.spaces.ratings import Rating, WindowCounts
from childsafe.spaces.registry import get_space
from childsafe.store.tables.spaces import Space, SpaceMember, SpaceRatingBucket, SpaceRatingChange

# The console lists this many spaces at most (the riskiest first).
LIST_LIMIT = 500


@dataclass(frozen=True, slots=True)
class SpaceDetail:
    space: Space
    rating: Rating  # in force now
    content: Rating  # what the window's content calls for
    reasons: list[str]
    counts: WindowCounts
    members: list[SpaceMember]  # by joining time
    history: list[SpaceRatingChange]  # oldest first


def space_detail(session: Session, space_id: str) -> SpaceDetail:
    """The space now; SpaceNotFound when there is none. A space whose content has left the
    window since it was last written is re-rated first (locked, in the caller's transaction)."""
    space = get_space(session, space_id)
    counts = window_counts(session, space.id)
    rating, content, reasons = assess(space, counts)
    if (rating.value, content.value) != (space.rating, space.content_rating):
        rerate(session, get_space(session, space.id, for_update=True), "content")
    members = session.scalars(
        select(SpaceMember).where(SpaceMember.space_id == space.id).order_by(SpaceMember.joined_at)
    )
    return SpaceDetail(
        space, rating, content, reasons, counts, list(members), list(history(session, space.id))
    )


@dataclass(frozen=True, slots=True)
class SpaceSummary:
    space: Space
    counts: WindowCounts  # the window's
    reasons: list[str]  # why it is rated so, from those counts
    suspended: int  # members suspended pending review

    @property
    def risk(self) -> float:
        """Findings per message in the window (0..1, capped): how much of it is of concern."""
        c = self.counts
        flagged = c.sexual + c.grooming + c.nudity + c.known_abuse + c.self_harm
        return min(flagged / c.messages, 1.0) if c.messages else 0.0


def spaces_by_risk(session: Session, limit: int = LIST_LIMIT) -> list[SpaceSummary]:
    """Spaces with the highest rating first, then the most flagged content in the window."""
    bucket = SpaceRatingBucket
    window = (
        select(bucket.space_id, *(func.sum(getattr(bucket, n)).label(n) for n in COUNTED))
        .where(bucket.hour >= window_start_hour())
        .group_by(bucket.space_id)
        .subquery()
    )
    suspended = (
        select(SpaceMember.space_id, func.count().label("suspended"))
        .where(SpaceMember.status == "suspended")
        .group_by(SpaceMember.space_id)
        .subquery()
    )
    sums = [func.coalesce(window.c[n], 0) for n in COUNTED]
    messages, *findings = sums
    flagged = functools.reduce(operator.add, findings)
    rank = case({rating.value: rating.rank for rating in Rating}, value=Space.rating)
    rows = session.execute(
        select(Space, func.coalesce(suspended.c.suspended, 0), *sums)
        .outerjoin(window, window.c.space_id == Space.id)
        .outerjoin(suspended, suspended.c.space_id == Space.id)
        .order_by(
            rank.desc(),
            (flagged * 1.0 / func.nullif(messages, 0)).desc().nulls_last(),
            Space.id,
        )
        .limit(limit)
    )
    summaries = []
    for space, suspended_count, *counted in rows:
        counts = WindowCounts._make(map(int, counted))
        summaries.append(SpaceSummary(space, counts, assess(space, counts)[2], suspended_count))
    return summaries
