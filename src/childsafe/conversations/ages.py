"""Age context: the sender's band and the youngest recipient's, in order and in words.

Bands inform the score, never silence it (see `TrackerParams.shift_for`).
"""

from __future__ import annotations

from collections.abc import Sequence

from childsafe.model import AgeBand, Participant

AGE_ORDER = {AgeBand.UNDER_13: 0, AgeBand.AGE_13_15: 1, AgeBand.AGE_16_17: 2, AgeBand.ADULT: 3}
_AGE_WORDS = {
    AgeBand.UNDER_13: "under 13",
    AgeBand.AGE_13_15: "13-15",
    AgeBand.AGE_16_17: "16-17",
    AgeBand.ADULT: "adult",
    AgeBand.UNKNOWN: "unknown age",
}


def sender_and_youngest(
    sender: str, participants: Sequence[Participant]
) -> tuple[AgeBand, AgeBand | None]:
    """The sender's band and the youngest known band among the others (unknown if any
    other is unknown and none is known to be a child; None when alone)."""
    own = AgeBand.UNKNOWN
    others: list[AgeBand] = []
    for p in participants:
        band = p.age_band if type(p.age_band) is AgeBand else AgeBand(p.age_band)
        if p.id == sender:
            own = band
        else:
            others.append(band)
    known = [b for b in others if b is not AgeBand.UNKNOWN]
    if not others:
        return own, None
    if known and (min(AGE_ORDER[b] for b in known) < AGE_ORDER[AgeBand.ADULT]):
        return own, min(known, key=AGE_ORDER.__getitem__)
    if len(known) < len(others):
        return own, AgeBand.UNKNOWN
    return own, AgeBand.ADULT


def as_scored(
    own: AgeBand, youngest: AgeBand | None, deceives: bool
) -> tuple[AgeBand, AgeBand | None]:
    """The bands the score uses: a sender who lied about or waved away their age
    (identity deception) and writes to a child or an unknown-age recipient counts as an
    adult, whatever their account says: adults register as teens."""
    if deceives and youngest is not None and youngest is not AgeBand.ADULT:
        return AgeBand.ADULT, youngest
    return own, youngest


def age_context(own: AgeBand, youngest: AgeBand | None, deceives: bool = False) -> str:
    """ "adult account -> 13-15" in words, for explanations."""
    if youngest is None:
        return f"{_AGE_WORDS[own]} account, no recipient"
    context = f"{_AGE_WORDS[own]} account -> {_AGE_WORDS[youngest]}"
    if deceives and own is not AgeBand.ADULT and youngest is not AgeBand.ADULT:
        context += " (the sender deceived about their age, so counts as an adult)"
    return context
