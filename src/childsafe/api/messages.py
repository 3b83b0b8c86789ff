"""POST /v1/messages: the verdict on one message before the platform delivers it."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator
from sqlalchemy.exc import OperationalError
from starlette.types import ASGIApp, Receive, Scope, Send

from childsafe.accounts import UnknownAccount
from childsafe.api.asgi_body import read_body, replay_body
from childsafe.api.auth import IngestKey, KeyScope, cached_key_holds
from childsafe.api.deps import strict_query
from childsafe.api.errors import MAX_BODY_BYTES, database_down, error_responses, http_error
from childsafe.api.fields import IsoDatetime, PlatformId
from childsafe.model.clock import as_utc
from childsafe.runtime.messages import message_screener
from childsafe.runtime.metrics import record_answer
from childsafe.screening import (
    Answer,
    IncomingMessage,
    MessageIdReused,
    MessageNotStored,
    ScreeningFailed,
    ScreeningUnavailable,
)

router = APIRouter(
    prefix="/v1/messages",
    tags=["messages"],
    max_body_size=MAX_BODY_BYTES,
    dependencies=[Depends(strict_query)],
)


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: PlatformId = Field(
        description="the platform's message id; a retry of the same message is safe"
    )
    conversation_id: PlatformId
    sender_id: PlatformId
    recipient_ids: list[PlatformId] = Field(min_length=1, max_length=50)
    text: str = Field(max_length=5_000)
    sent_at: IsoDatetime = Field(description="ISO 8601; without a zone it is taken as UTC")
    space_id: PlatformId | None = Field(
        default=None,
        description="the space it was sent in (PUT /v1/spaces/{id}); counts to its rating",
    )

    @model_validator(mode="after")
    def _recipients_are_others(self) -> MessageIn:
        if self.sender_id in self.recipient_ids:
            raise ValueError("recipient_ids must not contain the sender")
        if len(set(self.recipient_ids)) != len(self.recipient_ids):
            raise ValueError("recipient_ids must not repeat an account")
        return self

    def incoming(self) -> IncomingMessage:
        """The message as the screener takes it."""
        return IncomingMessage(
            id=self.id,
            conversation_id=self.conversation_id,
            sender_id=self.sender_id,
            recipient_ids=tuple(self.recipient_ids),
            text=self.text,
            sent_at=as_utc(self.sent_at),
            space_id=self.space_id,
        )


@router.post("", response_model=Answer, responses=error_responses(404, 409, 503))
async def post_message(body: MessageIn, request: Request, _key: IngestKey) -> Any:
    """Screen a message. Answered only after it is durably stored; idempotent on `id`."""
    answer = await _screen(request.app, body)
    # The stored answer is already in response shape; skip re-validating it on the hot path.
    return Response(orjson.dumps(answer), media_type="application/json")


async def _screen(app: Any, body: MessageIn) -> Answer:
    try:
        answer = await message_screener(app.state).screen_async(body.incoming())
    except UnknownAccount as error:
        raise HTTPException(404, error.message) from error
    except MessageIdReused as error:
        raise HTTPException(409, error.message) from error
    except MessageNotStored as error:
        raise HTTPException(422, error.message) from error
    except ScreeningFailed as error:
        raise HTTPException(500, error.message) from error
    except ScreeningUnavailable as error:
        raise HTTPException(503, f"{error}; retry (nothing was acknowledged)") from error
    record_answer(answer, "http")
    return answer


_MESSAGE_IN = TypeAdapter(MessageIn)
_JSON_HEADERS = [(b"content-type", b"application/json")]


class MessagesFastPath:
    """POST /v1/messages without the framework's per-request machinery (middleware stack,
    routing, dependency solving, body parsing in two passes): on two cores that was about
    half of the web process's CPU per message.

    It takes only the plain case: no query string, a JSON content type, a body within the
    limit that validates as MessageIn, and an API key recently found valid with the ingest
    scope. Anything else is passed, body replayed, to the FastAPI route, which gives the
    documented errors; so the route stays the one definition of the behaviour (and of the
    OpenAPI schema).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != "/v1/messages"
            or scope["method"] != "POST"
            or scope["query_string"]
        ):
            await self.app(scope, receive, send)
            return
        body, complete = await read_body(receive)
        body_model = self._plain_case(scope, body) if complete else None
        if body_model is None:
            await self.app(scope, replay_body(body, complete, receive), send)
            return
        try:
            answer = await _screen(scope["app"], body_model)
        except HTTPException as error:
            await http_error(error)(scope, receive, send)
            return
        except OperationalError as error:
            await database_down(error)(scope, receive, send)
            return
        data = orjson.dumps(answer)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*_JSON_HEADERS, (b"content-length", str(len(data)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": data})

    @staticmethod
    def _plain_case(scope: Scope, body: bytes) -> MessageIn | None:
        authorization = content_type = None
        for name, value in scope["headers"]:
            if name == b"authorization" and authorization is None:
                authorization = value
            elif name == b"content-type" and content_type is None:
                content_type = value
        if authorization is None or content_type != b"application/json":
            return None
        if not cached_key_holds(scope["app"], authorization.decode("latin-1"), KeyScope.INGEST):
            return None
        try:
            return _MESSAGE_IN.validate_json(body)
        except ValidationError:
            return None
