"""Grooming tactics (cues), one detector per module. Register a new one by adding its module
here. Tactics follow O'Connell's stages and Lorenzo-Dus' luring strategies: rapport (gifts,
flattery), isolation (secrecy, moving platform), risk assessment (personal details, who is
around, age deception), sexualisation (sexual talk, image or camera requests) and the
endgame (meeting, threats, payment demands, countdowns, dares)."""

from __future__ import annotations

from childsafe.signals.base import Cue, CueDetector, excerpt, message_tokens
from childsafe.signals.cues import (
    age_deception,
    countdown,
    dares_self_harm,
    gifts_flattery,
    image_request,
    isolation,
    meeting,
    move_platform,
    payment_demand,
    personal_info,
    risk_assessment,
    secrecy,
    sexual,
    threat_sextortion,
)
from childsafe.signals.cues.languages import with_languages
from childsafe.signals.normalise import normalise, original_span
from childsafe.signals.quoting import without_quotes

# Each tactic in English, then with every registered language's phrases (cues/languages/).
DETECTORS: tuple[CueDetector, ...] = with_languages((
    secrecy.DETECTOR,
    isolation.DETECTOR,
    personal_info.DETECTOR,
    move_platform.DETECTOR,
    image_request.DETECTOR,
    meeting.DETECTOR,
    sexual.DETECTOR,
    gifts_flattery.DETECTOR,
    threat_sextortion.DETECTOR,
    risk_assessment.DETECTOR,
    age_deception.DETECTOR,
    payment_demand.DETECTOR,
    countdown.DETECTOR,
    dares_self_harm.DETECTOR,
))  # fmt: skip
CUE_NAMES: tuple[str, ...] = tuple(d.name for d in DETECTORS)


# Each trigger word (of any tactic, any language) to the tactics it wakes, by index in
# DETECTORS: most chat holds no trigger at all and then costs one set intersection, and a
# message that does runs only the tactics its words wake.
def _trigger_index(detectors: tuple[CueDetector, ...]) -> dict[str, tuple[int, ...]]:
    wakes: dict[str, tuple[int, ...]] = {}
    for index, detector in enumerate(detectors):
        for trigger in detector.triggers:
            wakes[trigger] = (*wakes.get(trigger, ()), index)
    return wakes


_WAKES = _trigger_index(DETECTORS)
_TRIGGERS = frozenset(_WAKES)


def detect_cues(
    text: str, message_id: str | None = None, normalised: str | None = None
) -> list[Cue]:
    """Every tactic found in one message, in DETECTORS order (at most one per tactic).

    The patterns run on the normalised text (`normalised`, computed here when not given), so
    disguises (leetspeak, look-alike letters, spacing, emoji) match; each cue keeps the
    matched words both normalised and as written. Quoted passages (reported speech,
    signals.quoting) are skipped.
    """
    plain = without_quotes(normalise(text) if normalised is None else normalised)
    present = _TRIGGERS.intersection(message_tokens(plain))
    if not present:
        return []
    woken = sorted({index for token in present for index in _WAKES[token]})
    found = []
    # Most messages need no more than lower-casing: the original words are then a slice.
    sliceable: bool | None = None
    for index in woken:
        detector = DETECTORS[index]
        # The trigger words present stand for all the tokens: only they can meet a trigger.
        match = detector.search(plain, present)
        if match is not None:
            start, end = match.span()
            if sliceable is None:
                sliceable = len(plain) == len(text) and plain == text.lower()
            written = text[start:end] if sliceable else original_span(text, start, end)
            found.append(
                Cue(
                    detector.name,
                    detector.severity,
                    excerpt(match.group(0)),
                    message_id,
                    excerpt(written),
                )
            )
    return found
