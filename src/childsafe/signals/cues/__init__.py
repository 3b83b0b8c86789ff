"""Explicit risk cues, one detector per module. Register a new cue by adding its module here."""

from __future__ import annotations

from childsafe.signals.base import Cue, CueDetector, message_tokens
from childsafe.signals.cues import (
    gifts_flattery,
    image_request,
    meeting,
    move_platform,
    personal_info,
    secrecy,
    sexual,
    threat_sextortion,
)

DETECTORS: tuple[CueDetector, ...] = (
    secrecy.DETECTOR,
    personal_info.DETECTOR,
    move_platform.DETECTOR,
    image_request.DETECTOR,
    meeting.DETECTOR,
    sexual.DETECTOR,
    gifts_flattery.DETECTOR,
    threat_sextortion.DETECTOR,
)
CUE_NAMES: tuple[str, ...] = tuple(d.name for d in DETECTORS)


def detect_cues(text: str, message_id: str | None = None) -> list[Cue]:
    """Every cue found in one message, in DETECTORS order (at most one per cue)."""
    found = []
    tokens = message_tokens(text)
    for detector in DETECTORS:
        cue = detector.detect(text, message_id, tokens)
        if cue is not None:
            found.append(cue)
    return found
