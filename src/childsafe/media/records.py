"""What the media path takes in, and the errors it reports (each becomes a 4xx)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class IncomingMedia:
    id: str
    conversation_id: str
    sender_id: str
    recipient_ids: tuple[str, ...]
    sent_at: datetime
    data: bytes
    space_id: str | None = None  # the space it was posted in, if any (counts to its rating)


class MediaError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MediaConflict(MediaError):
    """A media id we already answered arrived again with different bytes (409)."""
