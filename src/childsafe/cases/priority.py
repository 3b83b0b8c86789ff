"""How urgent a case is, and by when a person must act on it (the SLA clock).

The priority is a weighted score over five things a child-safety specialist looks at first:
how severe the worst cue is (sextortion, meeting, images above the rest), how young the youngest
child is, how many children the suspect contacted, the detector's score, and how recent the
latest evidence is. Hard floors keep the worst cases at P1 whatever the weights say. Every
priority carries the plain-words reasons that produced it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from childsafe.model import AgeBand, youngest

# Severity of each cue for prioritisation (not the detector's own weights): threats and
# sextortion, arranging to meet, and images (asking for them, or a known-abuse hash match) first.
SEVERITY: dict[str, float] = {
    "threat_sextortion": 1.0,
    "known_abuse_image": 1.0,
    "meeting": 0.9,
    "image_request": 0.85,
    "sexual": 0.7,
    "move_platform": 0.5,
    "secrecy": 0.5,
    "personal_info": 0.4,
    "gifts_flattery": 0.3,
    "reported_concern": 0.4,
    "invites_unconnected_children": 0.5,
}
# Cues that put a case about a child at P1 regardless of the rest.
CRITICAL_CUES = frozenset({"threat_sextortion", "known_abuse_image"})
NO_CUE = "none"

AGE_WEIGHT: dict[str, float] = {
    AgeBand.UNDER_13: 1.0,
    AgeBand.AGE_13_15: 0.8,
    # Unknown age is treated as a child (DESIGN.md): as vulnerable as a 13-15 year old.
    AgeBand.UNKNOWN: 0.8,
    AgeBand.AGE_16_17: 0.6,
    AgeBand.ADULT: 0.1,
}

WEIGHTS = {"severity": 0.35, "age": 0.20, "children": 0.15, "score": 0.20, "recency": 0.10}
# Five or more children contacted counts as fully "many".
CHILDREN_SATURATION = 5
# Evidence loses half its recency weight every 3 days.
RECENCY_HALF_LIFE = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class Level:
    name: str
    rank: int
    min_score: float
    sla: timedelta


LEVELS: tuple[Level, ...] = (
    Level("P1", 1, 0.70, timedelta(hours=1)),
    Level("P2", 2, 0.50, timedelta(hours=4)),
    Level("P3", 3, 0.30, timedelta(hours=24)),
    Level("P4", 4, 0.0, timedelta(hours=72)),
)
LEVEL_BY_NAME = {level.name: level for level in LEVELS}


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the priority is computed from (everything merged into the case so far)."""

    cues: Sequence[str]
    victim_age_bands: Sequence[str]
    max_score: float | None
    last_activity_at: datetime


@dataclass(frozen=True, slots=True)
class Priority:
    level: Level
    score: float
    severity: str  # the most severe cue, or "none"
    youngest_age_band: AgeBand
    reasons: tuple[str, ...]


def most_severe(cues: Iterable[str]) -> str:
    known = [cue for cue in cues if cue in SEVERITY]
    return max(known, key=SEVERITY.__getitem__) if known else NO_CUE


def _recency(last_activity_at: datetime, now: datetime) -> float:
    age = max((now - last_activity_at).total_seconds(), 0.0)
    return 0.5 ** (age / RECENCY_HALF_LIFE.total_seconds())


def compute_priority(facts: CaseFacts, now: datetime) -> Priority:
    severity = most_severe(facts.cues)
    youngest_band = youngest(AgeBand(band) for band in facts.victim_age_bands)
    children = sum(1 for band in facts.victim_age_bands if band != AgeBand.ADULT)
    components = {
        "severity": SEVERITY.get(severity, 0.0),
        "age": AGE_WEIGHT[youngest_band],
        "children": min(math.log1p(children) / math.log1p(CHILDREN_SATURATION), 1.0),
        "score": min(max(facts.max_score or 0.0, 0.0), 1.0),
        "recency": _recency(facts.last_activity_at, now),
    }
    score = round(sum(WEIGHTS[name] * value for name, value in components.items()), 4)
    level = next(level for level in LEVELS if score >= level.min_score)
    reasons = [
        f"most severe cue: {severity.replace('_', ' ')}" if severity != NO_CUE else "no risk cue",
        f"youngest child: {_band_words(youngest_band)}",
        f"{children} {'child' if children == 1 else 'children'} contacted",
    ]
    if facts.max_score is not None:
        reasons.append(f"detector score {facts.max_score:.2f}")
    # An absolute time: the reasons are stored and read later (console, referrals).
    latest = facts.last_activity_at.astimezone(UTC)
    reasons.append(f"latest evidence {latest:%d %b %Y %H:%M} UTC")
    if severity in CRITICAL_CUES and youngest_band is not AgeBand.ADULT and level.rank > 1:
        level = LEVELS[0]
        reasons.append(f"{severity.replace('_', ' ')} involving a child is always P1")
    return Priority(level, score, severity, youngest_band, tuple(reasons))


def sla_due(
    previous_due: datetime | None, previous_rank: int | None, level: Level, now: datetime
) -> datetime:
    """A first priority starts its clock now; an escalation may only bring the due time closer."""
    due = now + level.sla
    if previous_due is None or previous_rank is None:
        return due
    if level.rank < previous_rank:
        return min(previous_due, due)
    return previous_due


def _band_words(band: AgeBand) -> str:
    return {
        AgeBand.UNDER_13: "under 13",
        AgeBand.AGE_13_15: "13 to 15",
        AgeBand.AGE_16_17: "16 or 17",
        AgeBand.ADULT: "adult",
    }.get(band, "age unknown")
