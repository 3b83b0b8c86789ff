"""Field types shared by the routers' schemas."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from childsafe.api.nul_guard import MESSAGE as NUL_MESSAGE


def _iso_text(value: Any) -> Any:
    # Lax pydantic would take a number (or numeric text in a query) as a Unix time;
    # the spec says ISO 8601 text.
    numeric = isinstance(value, bool | int | float)
    if isinstance(value, str):
        try:
            float(value)
            numeric = True
        except ValueError:
            pass
    if numeric:
        raise ValueError("expected an ISO 8601 date-time string")
    return value


def _representable_in_utc(value: datetime) -> datetime:
    # Everything is stored and compared in UTC; a zone can push a date past year 9999
    # (9999-12-31T23:59:59-01:00), which no datetime can hold.
    if value.tzinfo is not None:
        try:
            value.astimezone(UTC)
        except OverflowError as error:
            raise ValueError(
                "date-time out of range: it must fall in years 1-9999 in UTC"
            ) from error
    return value


IsoDatetime = Annotated[
    datetime,
    BeforeValidator(_iso_text),
    AfterValidator(_representable_in_utc),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def _storable(value: str) -> str:
    # Multipart form fields pass the edge check (childsafe.api.nul_guard) unread.
    if "\x00" in value:
        raise ValueError(NUL_MESSAGE)
    return value


StorableText = Annotated[str, AfterValidator(_storable)]


# The platform's ids (accounts, conversations, messages, media): a letter or digit, then
# letters, digits and . _ : @ -, 128 characters at most. Nothing else reaches a URL path, a
# log line or a database key: no look-alike aliases (%FF%FE and %FE%FF both decode to U+FFFD),
# no newlines, no slashes.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$"
_ID = re.compile(ID_PATTERN)
ID_RULE = "1-128 characters: a letter or digit, then letters, digits and . _ : @ -"


def platform_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise ValueError(f"ids are {ID_RULE}")
    return value


PlatformId = Annotated[
    StorableText,
    AfterValidator(platform_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "minLength": 1, "maxLength": 128}),
]
