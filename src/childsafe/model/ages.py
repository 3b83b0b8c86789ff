"""Who is youngest, and who counts as a possible victim, among accounts' age bands."""

from __future__ import annotations

from collections.abc import Iterable

from childsafe.model.conversation import AgeBand, Participant

# Youngest first. Unknown age sits between the child bands and adults: it may be a child.
_YOUTH_RANK = {
    band: rank
    for rank, band in enumerate(
        (AgeBand.UNDER_13, AgeBand.AGE_13_15, AgeBand.AGE_16_17, AgeBand.UNKNOWN, AgeBand.ADULT)
    )
}


def youngest(bands: Iterable[AgeBand]) -> AgeBand:
    """The youngest band; unknown when there is none (e.g. a hash match on a public post:
    a child could see it)."""
    return min(bands, key=_YOUTH_RANK.__getitem__, default=AgeBand.UNKNOWN)


def victim_ids(recipients: Iterable[Participant]) -> list[str]:
    """The recipients who are or may be children; all of them when every one is an adult."""
    recipients = list(recipients)
    return [r.id for r in recipients if r.age_band.is_child] or [r.id for r in recipients]
