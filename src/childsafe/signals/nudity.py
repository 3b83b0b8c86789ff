"""The nudity-detector interface: an image in, a score with its findings (the reasons) out.

Any model can sit behind it: one module per implementation in `nudity_detectors/`, registered
there by one line (`nudenet.py` is the shipped one); the media path only sees
`NudityDetector`. Detectors never touch the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from PIL import Image


@dataclass(frozen=True, slots=True)
class NudityFinding:
    label: str  # e.g. FEMALE_BREAST_EXPOSED
    score: float
    box: tuple[int, int, int, int]  # x, y, width, height in image pixels
    sexual: bool  # counts towards the nudity score


@dataclass(frozen=True, slots=True)
class NudityResult:
    score: float  # 0..1: the most confident sexual finding (0 when there is none)
    findings: tuple[NudityFinding, ...]
    model: str

    def scaled(self, factor: float) -> NudityResult:
        """The findings with boxes in an image `factor` times larger (the image as sent, when
        the detector saw it reduced)."""
        if factor == 1.0:
            return self

        def _times(value: int) -> int:
            return round(value * factor)

        findings = tuple(
            replace(f, box=(_times(x), _times(y), _times(w), _times(h)))
            for f in self.findings
            for x, y, w, h in [f.box]
        )
        return NudityResult(self.score, findings, self.model)

    def reasons(self) -> list[dict[str, object]]:
        return [
            {"label": f.label, "score": round(f.score, 3), "box": list(f.box)}
            for f in self.findings
            if f.sexual
        ]


class NudityDetector(Protocol):
    name: str

    def detect(self, image: Image.Image) -> NudityResult: ...


@dataclass(frozen=True, slots=True)
class NudityDetectorEntry:
    """How a detector is chosen (`name`, for CHILDSAFE_NUDITY_DETECTOR) and made. `requires`
    names an optional package it needs, installed with the `extra`; `about` says what it is
    (shown when it is missing)."""

    name: str
    create: Callable[[], NudityDetector]
    requires: str | None = None
    extra: str = ""
    about: str = ""
