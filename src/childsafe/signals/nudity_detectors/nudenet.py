"""Nudity detection with NudeNet's bundled 320n ONNX model (a YOLOv8n detector).

Licence: the nudenet wheel declares MIT in its metadata but ships AGPL-3.0 licence files, and
the bundled model is an Ultralytics YOLOv8 model (AGPL-3.0). See README "Image safety" before
deploying it as a network service; `CHILDSAFE_NUDITY_DETECTOR=none` turns it off.
"""

from __future__ import annotations

import threading

import numpy as np
from PIL import Image

from childsafe.signals.nudity import NudityDetectorEntry, NudityFinding, NudityResult

# Labels that make an image sexual for a child recipient; faces, feet, covered parts do not.
SEXUAL_LABELS = frozenset(
    {
        "FEMALE_GENITALIA_EXPOSED",
        "MALE_GENITALIA_EXPOSED",
        "FEMALE_BREAST_EXPOSED",
        "BUTTOCKS_EXPOSED",
        "ANUS_EXPOSED",
    }
)


class NudeNetDetector:
    name = "nudenet-320n"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: object | None = None

    def _detector(self) -> object:
        # Loading the ONNX session takes ~0.5 s: do it on first use, once per process.
        with self._lock:
            if self._model is None:
                from nudenet import NudeDetector

                self._model = NudeDetector()
            return self._model

    def detect(self, image: Image.Image) -> NudityResult:
        # NudeNet's own path reads files with OpenCV, i.e. BGR pixels: give it the same.
        bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        raw = self._detector().detect(bgr)  # type: ignore[attr-defined]
        findings = tuple(
            NudityFinding(
                label=str(item["class"]),
                score=float(item["score"]),
                box=(
                    int(item["box"][0]),
                    int(item["box"][1]),
                    int(item["box"][2]),
                    int(item["box"][3]),
                ),
                sexual=item["class"] in SEXUAL_LABELS,
            )
            for item in raw
        )
        score = max((f.score for f in findings if f.sexual), default=0.0)
        return NudityResult(score=score, findings=findings, model=self.name)


ENTRY = NudityDetectorEntry(
    "nudenet",
    NudeNetDetector,
    requires="nudenet",
    extra="childsafe[nudity]",
    about="NudeNet, AGPL-3.0",
)
