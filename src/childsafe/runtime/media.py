"""The app-wide media screener (one per app, created once)."""

from __future__ import annotations

import threading

from starlette.datastructures import State

from childsafe.media import MediaScreener
from childsafe.runtime import settings
from childsafe.signals.nudity_detectors import load_detector

_create_lock = threading.Lock()


def media_screener(state: State) -> MediaScreener:
    """The app's media screener (state.media_screener; tests may set their own), built on
    first use with the app's policy and the installed nudity detector."""
    screener: MediaScreener | None = getattr(state, "media_screener", None)
    if screener is None:
        with _create_lock:
            screener = getattr(state, "media_screener", None)
            if screener is None:
                screener = MediaScreener(state.database, settings.policy(state), load_detector())
                state.media_screener = screener
    return screener
