"""Screening messages: accounts + detector + policy -> a verdict, durably stored.

The one place that joins the contact gate, the conversation risk and the policy for a message;
the API only translates HTTP to `Batcher.submit` and back.
"""

from childsafe.screening.batcher import Batcher
from childsafe.screening.records import (
    Answer,
    IncomingMessage,
    MessageIdReused,
    MessageNotStored,
    ScreeningError,
    ScreeningFailed,
    ScreeningUnavailable,
)
from childsafe.screening.screener import Screener

__all__ = [
    "Answer",
    "Batcher",
    "IncomingMessage",
    "MessageIdReused",
    "MessageNotStored",
    "Screener",
    "ScreeningError",
    "ScreeningFailed",
    "ScreeningUnavailable",
]
