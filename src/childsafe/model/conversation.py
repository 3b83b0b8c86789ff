"""Conversation records: the interchange format (see README, "Conversation format")."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class AgeBand(StrEnum):
    UNDER_13 = "under_13"
    AGE_13_15 = "13_15"
    AGE_16_17 = "16_17"
    ADULT = "adult"
    UNKNOWN = "unknown"

    @property
    def is_child(self) -> bool:
        """Unknown counts as a child: safe defaults must not depend on a declared age."""
        return self is not AgeBand.ADULT


@dataclass(slots=True, frozen=True)
class Participant:
    id: str
    age_band: AgeBand = AgeBand.UNKNOWN


@dataclass(slots=True, frozen=True)
class Message:
    id: str
    sender: str
    text: str
    # ISO-8601 string or None when the source has no timestamps (e.g. Koutli, NPS).
    sent_at: str | None = None


@dataclass(slots=True)
class Conversation:
    conversation_id: str
    participants: list[Participant]
    messages: list[Message] = field(default_factory=list)
    # Ground truth when a corpus provides it: ids of authors known to be predators.
    predator_ids: frozenset[str] = frozenset()
