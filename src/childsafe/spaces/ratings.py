"""The film-like rating scale, which ratings each age band may join, and a space's rating from
what flowed through it, in plain words. Pure functions: no database.

A rating comes from the shares of the window's messages (and media) that carried sexual
content, grooming tactics, nudity, known-abuse matches or self-harm coercion. Each finding
names the rating it calls for and why ("sexual language in 4% of the last 2,000 messages");
the space gets the highest, and never less than its owner declared.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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


def highest(*ratings: Rating) -> Rating:
    return max(ratings, key=lambda r: r.rank)


@dataclass(frozen=True, slots=True)
class WindowCounts:
    """What flowed through a space in the window (messages includes media)."""

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


def content_rating(counts: WindowCounts) -> tuple[Rating, list[str]]:
    """The rating the window's content calls for, and each finding behind it."""
    findings: list[tuple[Rating, str]] = []
    total = max(counts.messages, 1)
    window = f"the last {counts.messages:,} messages (7 days)"
    for field, words, shares, any_rating in _RULES:
        count = getattr(counts, field)
        if count == 0:
            continue
        share = count / total
        rating = next((r for at_least, r in shares if share >= at_least), any_rating)
        findings.append((rating, f"{words} in {_percent(share)} of {window}"))
    if not findings:
        return Rating.U, [f"nothing of concern in {window}"]
    findings.sort(key=lambda f: -f[0].rank)
    rating = findings[0][0]
    return rating, [f"rated {r.value}: {why}" for r, why in findings]


def _percent(share: float) -> str:
    return f"{share:.0%}" if share >= 0.01 else f"{share:.1%}"
