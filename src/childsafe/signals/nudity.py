"""The nudity-detector interface: an image in, a score with its findings (the reasons) out.

Any model can sit behind it (see `nudenet_detector.py` for the shipped one); the media path only
sees `NudityDetector`. Detectors never touch the database.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from dataclasses import dataclass, replace
from typing import Protocol

from PIL import Image

DETECTOR_ENV = "CHILDSAFE_NUDITY_DETECTOR"
logger = logging.getLogger(__name__)


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


def load_detector(name: str | None = None) -> NudityDetector | None:
    """The configured detector: `nudenet` or `none` (CHILDSAFE_NUDITY_DETECTOR).

    Unset means NudeNet when the optional `childsafe[nudity]` extra is installed (it is
    AGPL-3.0, so it stays out of the core install), and none, with a warning, otherwise.
    """
    configured = (name or os.environ.get(DETECTOR_ENV) or "").strip().lower()
    choice = configured or "nudenet"
    if choice == "none":
        return None
    if choice != "nudenet":
        raise ValueError(f"{DETECTOR_ENV}: unknown nudity detector {choice!r} (nudenet, none)")
    if importlib.util.find_spec("nudenet") is None:
        if configured:
            raise ValueError(
                f"{DETECTOR_ENV}=nudenet but nudenet is not installed: "
                "pip install 'childsafe[nudity]'"
            )
        logger.warning(
            "nudity detection is off: install 'childsafe[nudity]' (NudeNet, AGPL-3.0) "
            "or set %s=none to silence this",
            DETECTOR_ENV,
        )
        return None
    from childsafe.signals.nudenet_detector import NudeNetDetector

    return NudeNetDetector()
