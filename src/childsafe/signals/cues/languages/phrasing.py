"""How the language modules write a tactic's phrases."""

from __future__ import annotations

from collections.abc import Iterable

from childsafe.signals.cues.languages.lexicon import Phrases


def phrases(triggers: Iterable[str], patterns: Iterable[str]) -> Phrases:
    """A tactic's phrases, each pattern matched case-sensitively: it runs on normalised,
    lower-case text, and a case-sensitive pattern that starts with a letter is skipped at
    once where the text has another letter. In the detector's case-insensitive regular
    expression the English patterns then pay almost nothing for the other languages'."""
    return Phrases(triggers=tuple(triggers), patterns=tuple(f"(?-i:{p})" for p in patterns))
