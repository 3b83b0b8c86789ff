"""What the message path takes in and gives back, and the errors it can report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    id: str
    conversation_id: str
    sender_id: str
    recipient_ids: tuple[str, ...]
    text: str
    sent_at: datetime


# The answer exactly as stored and returned: verdict, reasons, conversation_risk, alert_id,
# recipient_notice. A retry of the same message id gets this same mapping back.
Answer = dict[str, Any]


class ScreeningError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownAccount(ScreeningError):
    """The message names an account the platform never registered."""


class MessageIdReused(ScreeningError):
    """A message id we already answered arrived again with different content."""


class MessageNotStored(ScreeningError):
    """The store refused this message on its own (its batch was retried message by message,
    so the others were answered): its content cannot be held, e.g. a lone surrogate, or a
    NUL on PostgreSQL, that got past the API's checks. Nothing of it was stored."""


class ScreeningFailed(ScreeningError):
    """Screening this one message failed for a reason of ours (a bug, logged); its batch was
    retried message by message, so only this message has no answer. Nothing was stored."""


class ScreeningUnavailable(Exception):
    """Nothing was acknowledged (the database is unreachable, or the screening process was
    restarted); the platform should retry, which is safe because messages are idempotent."""
