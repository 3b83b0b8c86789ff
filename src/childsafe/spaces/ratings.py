"""The film-like rating scale, which ratings each age band may join, and a space's rating from
what flowed through it, in plain words. Pure functions: no database.

A rating comes from the shares of the window's messages (and media) that carried sexual
content, grooming tactics, nudity, known-abuse matches or self-harm coercion. Each finding
names the rating it calls for and why ("sexual language in 4% of the last 2,000 messages");
the space gets the highest, and never less than its owner declared.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import NamedTuple

from childsafe.model import AgeBand

WINDOW_HOURS = 7 * 24


class Rating(StrEnum):
    U = "U"
    PG = "PG"
    R12 = "12"
    R15 = "15"
    R18 = "18"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def above(self, other: Rating) -> bool:
        return self.rank > other.rank


_RANKS = {rating: rank for rank, rating in enumerate(Rating)}

# The highest rating each band may join (unknown age may be a child: as 13-15).
BAND_LIMITS = {
    AgeBand.UNDER_13: Rating.PG,
    AgeBand.AGE_13_15: Rating.R12,
    AgeBand.AGE_16_17: Rating.R15,
    AgeBand.UNKNOWN: Rating.R12,
    AgeBand.ADULT: Rating.R18,
}


def allowed(band: AgeBand, rating: Rating) -> bool:
    return not rating.above(BAND_LIMITS[band])


def _rank(rating: Rating) -> int:
    return rating.rank


def highest(*ratings: Rating) -> Rating:
    return max(ratings, key=_rank)


def in_force(declared: Rating, override: Rating | None, content: Rating) -> Rating:
    """A moderator's override, else the content's rating; never below the owner's."""
    return highest(declared, override or content)


class WindowCounts(NamedTuple):
    """What flowed through a space in the window (messages includes media). A tuple: built
    once per space per batch on the message path."""

    messages: int = 0
    sexual: int = 0
    grooming: int = 0
    nudity: int = 0
    known_abuse: int = 0
    self_harm: int = 0


# (what, its name in a reason, [(share of messages at least, rating)], rating for any at all)
_RULES = (
    ("known_abuse", "known child abuse material matched", (), Rating.R18),
    ("nudity", "nude or sexual images", ((0.02, Rating.R18),), Rating.R15),
    ("sexual", "sexual language", ((0.05, Rating.R18), (0.01, Rating.R15)), Rating.R12),
    ("self_harm", "dares or pressure to self-harm", ((0.02, Rating.R18),), Rating.R15),
    ("grooming", "grooming tactics", ((0.01, Rating.R15),), Rating.R12),
)


def _findings(counts: WindowCounts) -> Iterator[tuple[Rating, str, float]]:
    """(rating called for, what, its share of the window's messages) for each kind found."""
    total = max(counts.messages, 1)
    for field, words, shares, any_rating in _RULES:
        count = getattr(counts, field)
        if count:
            share = count / total
            yield next((r for at_least, r in shares if share >= at_least), any_rating), words, share


def content_level(counts: WindowCounts) -> Rating:
    """The rating the window's content calls for, without the words (per batch, per space)."""
    if not any(counts[1:]):  # nothing of concern, the common case
        return Rating.U
    return max((rating for rating, _, _ in _findings(counts)), key=_rank, default=Rating.U)


def content_rating(counts: WindowCounts) -> tuple[Rating, list[str]]:
    """The rating the window's content calls for, and each finding behind it."""
    window = f"the last {counts.messages:,} messages (7 days)"
    findings = sorted(_findings(counts), key=lambda f: -f[0].rank)
    if not findings:
        return Rating.U, [f"nothing of concern in {window}"]
    return findings[0][0], [
        f"rated {rating.value}: {words} in {_percent(share)} of {window}"
        for rating, words, share in findings
    ]


def _percent(share: float) -> str:
    return f"{share:.0%}" if share >= 0.01 else f"{share:.1%}"
