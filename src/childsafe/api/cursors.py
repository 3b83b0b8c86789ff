"""Opaque page cursors for lists ordered by (time, id), newest first."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from fastapi import HTTPException

from childsafe.model.clock import as_utc


def encode_cursor(at: datetime, row_id: str) -> str:
    raw = f"{as_utc(at).isoformat()}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (time, id) a cursor names; 422 for anything that is not one of ours."""
    try:
        at, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return as_utc(datetime.fromisoformat(at)), row_id
    except (ValueError, binascii.Error, UnicodeError) as error:
        raise HTTPException(422, "invalid cursor: pass next_cursor from a previous page") from error
