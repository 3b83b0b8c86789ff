"""Other languages' words for the same tactics, one module per language, registered here.

Each module's LEXICON adds triggers and patterns to tactics defined in English
(`signals/cues/<tactic>.py`); no language has a tactic of its own, so the stages, weights,
fast path and explanations are the same whatever language a chat is in.
"""

from __future__ import annotations

from collections.abc import Sequence

from childsafe.signals.base import CueDetector
from childsafe.signals.cues.languages import dutch, french, german, spanish
from childsafe.signals.cues.languages.lexicon import Lexicon, Phrases

LEXICONS: tuple[Lexicon, ...] = (
    german.LEXICON,
    dutch.LEXICON,
    french.LEXICON,
    spanish.LEXICON,
)


def with_languages(
    detectors: Sequence[CueDetector], lexicons: Sequence[Lexicon] = LEXICONS
) -> tuple[CueDetector, ...]:
    """The detectors, each also matching every lexicon's phrases for its tactic; a lexicon
    naming a tactic that does not exist is refused (a typo would silently match nothing)."""
    names = {d.name for d in detectors}
    for lexicon in lexicons:
        unknown = set(lexicon.tactics) - names
        if unknown:
            raise ValueError(f"lexicon {lexicon.code}: unknown tactics {sorted(unknown)}")
    extended = []
    for detector in detectors:
        for lexicon in lexicons:
            phrases = lexicon.tactics.get(detector.name)
            if phrases is not None:
                detector = detector.with_phrases(
                    phrases.triggers, phrases.patterns, dict(lexicon.spellings)
                )
        extended.append(detector)
    return tuple(extended)


__all__ = ["LEXICONS", "Lexicon", "Phrases", "with_languages"]
