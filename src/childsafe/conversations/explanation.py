"""What the tracker answers for a message (`RiskUpdate`) and its plain-word explanation:
the tactics in the order first used with their matched words, the fast-path rule, the age
context and the messages that drove the risk."""

from __future__ import annotations

from dataclasses import dataclass

from childsafe.conversations.ages import age_context
from childsafe.model import AgeBand
from childsafe.signals.base import Cue
from childsafe.signals.cues import DETECTORS

PLAIN: dict[str, str] = {d.name: d.plain for d in DETECTORS}


@dataclass(frozen=True, slots=True)
class Reason:
    """A message that drove an author's risk: which one, its cues, an excerpt, its weight."""

    message_id: str
    cues: tuple[str, ...]
    excerpt: str
    weight: float


@dataclass(frozen=True, slots=True)
class TacticSeen:
    """The first message where an author used a tactic: what it matched, as written too."""

    tactic: str
    message_index: int
    message_id: str
    evidence: str
    original: str

    @property
    def plain(self) -> str:
        return PLAIN.get(self.tactic, self.tactic)


@dataclass(frozen=True, slots=True)
class RiskUpdate:
    conversation_id: str
    author_id: str
    message_index: int
    score: float
    threshold: float
    alert: bool
    cues: tuple[Cue, ...]
    reasons: tuple[Reason, ...]
    # The author's tactics in the order first seen and the fast-path rule that fired (if
    # any).
    tactics: tuple[TacticSeen, ...] = ()
    fast_path: str | None = None
    # (sender's band, youngest other band or None): see age_context.
    bands: tuple[AgeBand, AgeBand | None] | None = None
    # The sender used identity or age deception, so the score counts them as an adult.
    deceives: bool = False

    @property
    def age_context(self) -> str:
        """The sender's and the youngest recipient's bands in words ("adult account ->
        13-15"); built only when asked (most updates are never explained)."""
        return age_context(*self.bands, self.deceives) if self.bands is not None else ""

    def explanation(self) -> list[str]:
        """Plain-word lines a moderator can judge in seconds."""
        context = self.age_context
        lines = [f"Age context: {context}."] if context else []
        if self.fast_path:
            lines.append(f"Alerted at once: {self.fast_path}.")
        for seen in self.tactics:
            said = f'"{seen.evidence}"'
            if seen.original not in ("", seen.evidence):
                said += f' (written "{seen.original}")'
            lines.append(f"Message #{seen.message_index} ({seen.message_id}): {seen.plain}: {said}")
        if not self.tactics:
            lines.append(
                "No tactic named: the text model found this author's wording close to that "
                "of known groomers in its training data (see the messages below)."
            )
        return lines
