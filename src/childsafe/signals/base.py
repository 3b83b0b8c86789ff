"""The cue interface shared by every cue detector module."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import IntEnum

# Chat spellings that the cue patterns share; `{YOU}` etc. expand to these alternations.
SPELLINGS: dict[str, str] = {
    "YOU": r"(?:you|u|ya|yu)",
    "YOUR": r"(?:your|ur|yur|yor)",
    "YOURE": r"(?:you'?re|youre|ur|u r|you are|u are|ure)",
    "ARE": r"(?:are|r)",
    "PIC": r"(?:pics?|pix|pictures?|photos?|selfies?|pik|pikz|pics)",
    "PARENT": r"(?:mom|mum|mommy|mother|dad|daddy|father|parents?|family|folks|sister|brother)",
    "WILL": r"(?:'ll| will| wil| gonna| going to| would| could| can)",
}

EXCERPT_CHARS = 80

# Letters of a word: a-z, digits, and the Latin letters with diacritics other languages
# write (ä, ß, é, ñ, ø, ij ...), so "mädchen" is one word, not "m" + "dchen".
WORD_CHARS = "a-z0-9\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f"


class Stage(IntEnum):
    """Where a tactic sits in the grooming process (after O'Connell 2003). Offenders skip and
    reorder stages (Aitken et al. 2018), so the tracker rewards moving forward, never
    requires it."""

    RAPPORT = 1
    ISOLATION = 2
    RISK_ASSESSMENT = 3
    SEXUALISATION = 4
    EXPLOITATION = 5


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """A short, single-line excerpt of a message for reasons shown to moderators."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Cue:
    """One grooming tactic (cue) found in one message: which, how severe, the words it
    matched in the normalised text (`evidence`) and as the sender wrote them (`original`)."""

    name: str
    severity: float
    evidence: str
    message_id: str | None = None
    original: str = ""


_TOKEN = re.compile(rf"[{WORD_CHARS}'#]+")
# A token of three or more digits (a token is a maximal run of _TOKEN's characters).
_NUMBER = re.compile(rf"(?<![{WORD_CHARS}'#])[0-9]{{3,}}(?![{WORD_CHARS}'#])")
DIGITS = "<digits>"
MONEY = "<money>"


def message_tokens(text: str) -> AbstractSet[str]:
    """The lower-cased tokens of a message (plus DIGITS when it holds a 3+ digit number and
    MONEY when it holds a currency sign), which cue detectors check against their trigger
    words before running their patterns. Runs on every message: C-level calls only, where
    it can."""
    lowered = text.lower()
    tokens = set(_TOKEN.findall(lowered))
    if _NUMBER.search(lowered):
        tokens.add(DIGITS)
    if "$" in text or "£" in text or "€" in text:
        tokens.add(MONEY)
    if "'" in lowered or "#" in lowered:
        for token in [t for t in tokens if "'" in t or "#" in t]:
            tokens.update(token.replace("#", " # ").replace("'", " ").split())
    return tokens


class CueDetector:
    """A named cue found by regular expressions over the normalised (lower-case) message text.

    Each cue module builds one of these; the patterns may use the `{YOU}`-style spellings.
    `stage` places the tactic in the grooming process; `plain` says in a few words what the
    sender did, for moderators ("asked for secrecy").
    `triggers` are tokens of which every possible match contains at least one: a message
    without any of them skips the (slower) patterns. A message yields at most one Cue per
    detector (the first match is its evidence). `with_phrases` adds another language's
    triggers and patterns (see `cues/languages/`).
    """

    __slots__ = ("alternates", "name", "plain", "severity", "stage")

    def __init__(
        self,
        name: str,
        severity: float,
        triggers: Iterable[str],
        patterns: Sequence[str],
        stage: Stage,
        plain: str,
        spellings: dict[str, str] = SPELLINGS,
    ) -> None:
        if not 0.0 < severity <= 1.0:
            raise ValueError(f"cue {name}: severity must be in (0, 1], got {severity}")
        self.name = name
        self.severity = severity
        self.stage = stage
        self.plain = plain
        # (triggers, pattern) per language, English first: each language's patterns run
        # only when one of its own triggers is present, so English chat pays nothing for
        # the other languages' phrases.
        self.alternates: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = (
            _alternate(triggers, patterns, spellings),
        )

    @property
    def triggers(self) -> frozenset[str]:
        return frozenset().union(*(triggers for triggers, _ in self.alternates))

    def with_phrases(
        self, triggers: Iterable[str], patterns: Sequence[str], spellings: dict[str, str]
    ) -> CueDetector:
        """The same tactic also found by another language's triggers and patterns (written
        with that language's `{NAME}` spellings)."""
        extended = copy.copy(self)
        extended.alternates = (*self.alternates, _alternate(triggers, patterns, spellings))
        return extended

    def search(self, text: str, tokens: AbstractSet[str] | None = None) -> re.Match[str] | None:
        """The first match in (normalised) text, or None; each language's patterns are
        skipped when none of its trigger words is among the tokens."""
        if tokens is None:
            tokens = message_tokens(text)
        for triggers, pattern in self.alternates:
            if not triggers.isdisjoint(tokens):
                match = pattern.search(text)
                if match is not None:
                    return match
        return None

    def search_unguarded(self, text: str) -> re.Match[str] | None:
        """What search() would find if no trigger guard skipped anything (for tests that
        check the guards never hide a match)."""
        for _, pattern in self.alternates:
            match = pattern.search(text)
            if match is not None:
                return match
        return None


def _alternate(
    triggers: Iterable[str], patterns: Sequence[str], spellings: dict[str, str]
) -> tuple[frozenset[str], re.Pattern[str]]:
    body = "|".join(f"(?:{p.format(**spellings)})" for p in patterns)
    # Case-sensitive: the text is normalised (lower case) before any pattern runs, and
    # IGNORECASE made every search about 2.5 times slower.
    pattern = re.compile(rf"(?<![{WORD_CHARS}])(?:{body})(?![{WORD_CHARS}])")
    return frozenset(triggers), pattern
