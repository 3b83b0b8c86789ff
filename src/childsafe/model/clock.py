"""Time in UTC, always timezone-aware (SQLite hands datetimes back without their zone)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Stored datetimes are UTC; SQLite returns them naive, so say so before comparing."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
