"""Field types shared by the routers' schemas."""

from __future__ import annotations

from datetime import datetime
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


IsoDatetime = Annotated[
    datetime,
    BeforeValidator(_iso_text),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def _storable(value: str) -> str:
    # Multipart form fields pass the edge check (childsafe.api.nul_guard) unread.
    if "\x00" in value:
        raise ValueError(NUL_MESSAGE)
    return value


StorableText = Annotated[str, AfterValidator(_storable)]
