"""POST /v1/messages: the verdict on one message before the platform delivers it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from childsafe.api.auth import ApiKeyDep
from childsafe.api.deps import strict_query
from childsafe.api.errors import MAX_BODY_BYTES, error_responses
from childsafe.api.fields import IsoDatetime
from childsafe.api.lifecycle import screener_for
from childsafe.screening import (
    IncomingMessage,
    MessageIdReused,
    ScreeningUnavailable,
    UnknownAccount,
)
from childsafe.screening.screener import as_utc

router = APIRouter(
    prefix="/v1/messages",
    tags=["messages"],
    max_body_size=MAX_BODY_BYTES,
    dependencies=[Depends(strict_query)],
)

Id = Annotated[str, Field(min_length=1, max_length=128)]


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id = Field(description="the platform's message id; a retry with the same id is safe")
    conversation_id: Id
    sender_id: Id
    recipient_ids: list[Id] = Field(min_length=1, max_length=50)
    text: str = Field(max_length=5_000)
    sent_at: IsoDatetime = Field(description="ISO 8601; without a zone it is taken as UTC")

    @model_validator(mode="after")
    def _recipients_are_others(self) -> MessageIn:
        if self.sender_id in self.recipient_ids:
            raise ValueError("recipient_ids must not contain the sender")
        if len(set(self.recipient_ids)) != len(self.recipient_ids):
            raise ValueError("recipient_ids must not repeat an account")
        return self


class CueOut(BaseModel):
    name: str
    evidence: str


class DriverOut(BaseModel):
    message_id: str
    cues: list[str]
    excerpt: str
    weight: float


class ReasonOut(BaseModel):
    rule: str
    description: str
    verdict: Literal["allow", "warn", "blur", "hold", "block"]
    signals: dict[str, Any] = Field(description="the signals the rule tested, with their values")
    alert: Literal["low", "medium", "high"] | None = None
    standard: str | None = None
    cues: list[CueOut] | None = Field(default=None, description="cues found in this message")
    messages: list[DriverOut] | None = Field(
        default=None, description="the messages that drove the conversation's risk"
    )


class VerdictOut(BaseModel):
    verdict: Literal["allow", "warn", "blur", "hold", "block"]
    reasons: list[ReasonOut]
    conversation_risk: float = Field(ge=0, le=1)
    alert_id: str | None
    recipient_notice: str | None = Field(description="show this to the recipient (the child)")
    shadow_reasons: list[ReasonOut] | None = Field(
        default=None, description="rules in shadow mode that matched (not enforced)"
    )


@router.post("", response_model=VerdictOut, responses=error_responses(404, 409, 503))
async def post_message(body: MessageIn, request: Request, _key: ApiKeyDep) -> Any:
    """Screen a message. Answered only after it is durably stored; idempotent on `id`."""
    message = IncomingMessage(
        id=body.id,
        conversation_id=body.conversation_id,
        sender_id=body.sender_id,
        recipient_ids=tuple(body.recipient_ids),
        text=body.text,
        sent_at=as_utc(body.sent_at),
    )
    try:
        answer = await screener_for(request.app).screen_async(message)
    except UnknownAccount as error:
        raise HTTPException(404, error.message) from error
    except MessageIdReused as error:
        raise HTTPException(409, error.message) from error
    except ScreeningUnavailable as error:
        raise HTTPException(503, f"{error}; retry (nothing was acknowledged)") from error
    # The stored answer is already in response shape; skip re-validating it on the hot path.
    return JSONResponse(answer)
