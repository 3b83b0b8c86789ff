"""Posted images: hash, match against the banks, detect nudity, apply policy, store.

The one place that joins image signals, hash banks, accounts, policy and cases for an image;
the API only translates HTTP to `MediaScreener.screen` and back.
"""

from childsafe.media.records import IncomingMedia, MediaConflict, MediaError
from childsafe.media.screener import MediaScreener

__all__ = ["IncomingMedia", "MediaConflict", "MediaError", "MediaScreener"]
