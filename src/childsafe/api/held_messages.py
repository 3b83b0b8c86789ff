"""GET /v1/held-messages (held messages from a case's suspect waiting for review, oldest
first, with their age) and POST /v1/held-messages/{message_id}/review (release: the platform
delivers it, `message.released`; confirm: it stays withheld). Scope `moderation`; the review
is audited as the key (`api:<key id>`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from childsafe.api.auth import ModerationKey
from childsafe.api.cases import KeyDecider
from childsafe.api.deps import DatabaseDep, in_one_transaction, strict_query
from childsafe.api.errors import error_responses
from childsafe.cases import held_messages
from childsafe.cases.actions import MAX_REASON, ActionRefused
from childsafe.model.clock import as_utc, utcnow

router = APIRouter(
    prefix="/v1/held-messages", tags=["held messages"], dependencies=[Depends(strict_query)]
)


class HeldOut(BaseModel):
    message_id: str
    conversation_id: str
    sender_id: str
    recipient_ids: list[str]
    case_id: str | None
    reasons: list[str] = Field(description="the rules that held it, in plain words")
    received_at: datetime
    age_seconds: float


class HeldPage(BaseModel):
    held_messages: list[HeldOut]
    total: int


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["release", "confirm"]
    reason: str = Field(min_length=1, max_length=MAX_REASON, description="kept in the audit log")


class ReviewOut(BaseModel):
    message_id: str
    decision: str = Field(description="released | confirmed")
    reviewed_by: str
    reviewed_at: datetime


@router.get("", response_model=HeldPage, responses=error_responses())
def list_held(
    database: DatabaseDep,
    _key: ModerationKey,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> HeldPage:
    now = utcnow()
    with database.session() as session:
        waiting = held_messages.unreviewed(session, limit)
        total = held_messages.unreviewed_count(session)
    return HeldPage(
        held_messages=[
            HeldOut(
                message_id=held.id,
                conversation_id=held.conversation_id,
                sender_id=held.sender_id,
                recipient_ids=held.recipient_ids,
                case_id=held.case_id,
                reasons=held.reasons,
                received_at=as_utc(held.received_at),
                age_seconds=round((now - as_utc(held.received_at)).total_seconds(), 1),
            )
            for held in waiting
        ],
        total=total,
    )


@router.post(
    "/{message_id}/review",
    response_model=ReviewOut,
    status_code=201,
    responses=error_responses(400, 404, 409),
)
def review_held(
    message_id: Annotated[str, Path(max_length=128)],
    body: ReviewIn,
    database: DatabaseDep,
    by: KeyDecider,
) -> ReviewOut:
    done = in_one_transaction(
        database,
        ActionRefused,
        lambda session: held_messages.review(session, message_id, body.decision, by, body.reason),
    )
    return ReviewOut(
        message_id=message_id,
        decision=done.decision,
        reviewed_by=done.reviewed_by,
        reviewed_at=as_utc(done.reviewed_at),
    )
