"""The nudity detectors, one module each. Register a new one by adding its `ENTRY` here."""

from __future__ import annotations

import importlib.util
import logging
import os

from childsafe.signals.nudity import NudityDetector, NudityDetectorEntry
from childsafe.signals.nudity_detectors import nudenet

DETECTOR_ENV = "CHILDSAFE_NUDITY_DETECTOR"
DETECTORS: tuple[NudityDetectorEntry, ...] = (nudenet.ENTRY,)
DEFAULT = "nudenet"
logger = logging.getLogger(__name__)


def load_detector(name: str | None = None) -> NudityDetector | None:
    """The configured detector: a registered name or `none` (CHILDSAFE_NUDITY_DETECTOR).

    Unset means the default (NudeNet) when its optional extra is installed (`childsafe[nudity]`
    is AGPL-3.0, so it stays out of the core install), and none, with a warning, otherwise.
    """
    configured = (name or os.environ.get(DETECTOR_ENV) or "").strip().lower()
    choice = configured or DEFAULT
    if choice == "none":
        return None
    entry = next((d for d in DETECTORS if d.name == choice), None)
    if entry is None:
        known = ", ".join([*(d.name for d in DETECTORS), "none"])
        raise ValueError(f"{DETECTOR_ENV}: unknown nudity detector {choice!r} ({known})")
    if entry.requires is not None and importlib.util.find_spec(entry.requires) is None:
        if configured:
            raise ValueError(
                f"{DETECTOR_ENV}={choice} but {entry.requires} is not installed: "
                f"pip install '{entry.extra}'"
            )
        logger.warning(
            "nudity detection is off: install '%s' (%s) or set %s=none to silence this",
            entry.extra,
            entry.about,
            DETECTOR_ENV,
        )
        return None
    return entry.create()
