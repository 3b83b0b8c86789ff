"""What one language adds to the tactics: per tactic, its trigger words and patterns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Phrases:
    """One tactic in one language. As for English (`signals.base.CueDetector`): every
    possible match of `patterns` contains at least one of `triggers` (lower-case tokens);
    patterns run on the normalised, lower-cased text and may use the language's
    `{NAME}` spellings."""

    triggers: tuple[str, ...]
    patterns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A language's words for the tactics (`tactics` keyed by tactic name)."""

    code: str  # ISO 639-1
    name: str
    spellings: Mapping[str, str]
    tactics: Mapping[str, Phrases]
