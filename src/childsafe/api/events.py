"""GET /v1/events: the pull feed, for platforms that cannot receive webhooks.

The same events, ids and bodies as the webhooks, in order, after a cursor. The scope is
`moderation`: events name suspects, victims and enforcement, which a message-sending (ingest)
key has no need to read, while the platform's moderation side acts on them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from childsafe.api.auth import ModerationKey
from childsafe.api.deps import DatabaseDep, strict_query
from childsafe.api.errors import error_responses
from childsafe.events.outbox import read_events
from childsafe.events.types import EVENT_TYPES

router = APIRouter(prefix="/v1/events", tags=["events"], dependencies=[Depends(strict_query)])


class EventOut(BaseModel):
    id: str = Field(description="the event's id, the same as a webhook's webhook-id")
    type: str
    timestamp: str = Field(description="when it happened, ISO 8601 in UTC")
    data: dict[str, Any]


class EventPage(BaseModel):
    events: list[EventOut]
    next_cursor: str = Field(description="pass as `after` for the next page (opaque)")


@router.get("", response_model=EventPage, responses=error_responses())
def list_events(
    database: DatabaseDep,
    _key: ModerationKey,
    after: Annotated[
        # 18 digits: any cursor fits the seq column's 64-bit integer.
        str, Query(max_length=18, pattern=r"^[0-9]+$", description="next_cursor of a page")
    ] = "0",
    types: Annotated[
        str | None, Query(max_length=2000, description="comma-separated event types")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> EventPage:
    wanted = None
    if types is not None:
        wanted = {name.strip() for name in types.split(",") if name.strip()}
        unknown = sorted(wanted - EVENT_TYPES.keys())
        if unknown or not wanted:
            raise HTTPException(
                422,
                f"unknown event type(s) {', '.join(unknown) or '(none named)'}; "
                f"known: {', '.join(EVENT_TYPES)}",
            )
    with database.engine.connect() as connection:
        page = read_events(connection, after=int(after), types=wanted, limit=limit)
    return EventPage(
        events=[EventOut(**event.document()) for event in page.events],
        next_cursor=str(page.next_cursor),
    )
