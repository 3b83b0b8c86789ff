"""Error responses: every client mistake is a 4xx JSON body with a message, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("childsafe.api")

# Larger than any schema-valid body (5,000 characters of text, 50 recipients, even with every
# character JSON-escaped); anything bigger is a mistake or an attack.
MAX_BODY_BYTES = 256 * 1024


class JsonTooLarge:
    """Starlette answers an over-long Content-Length with a plain-text 413 before our handlers
    run; rewrite it into the same JSON error body as every other error."""

    def __init__(
        self, app: ASGIApp, answer: Callable[[Scope, int, str], ASGIApp] | None = None
    ) -> None:
        self.app = app
        # How to say it: the JSON error body unless the caller answers some paths otherwise.
        self.answer = answer or (lambda _scope, status, message: error_body(status, message))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_json_413(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 413:
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if content_type.startswith(b"text/plain"):
                    replaced = True
                    limit = scope.get("starlette.max_body_size")
                    text = "request body too large" + (f" (limit {limit} bytes)" if limit else "")
                    await self.answer(scope, 413, text)(scope, receive, send)
                    return
            if replaced:
                return  # the plain-text body that belonged to the replaced start
            await send(message)

        await self.app(scope, receive, send_json_413)


class ErrorDetail(BaseModel):
    status: int
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer has this shape."""

    error: ErrorDetail


_DESCRIPTIONS = {
    400: "unreadable request body (e.g. not UTF-8)",
    401: "missing, invalid or revoked API key",
    403: "the API key lacks the scope this route needs",
    404: "unknown account or resource",
    409: "conflicts with what is stored",
    413: "request body too large",
    422: "malformed JSON or invalid fields",
    429: "over a rate limit; retry after the Retry-After header's seconds",
    503: "the database is unavailable; retry (nothing was stored)",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the errors a route can answer (400, 401, 403, 413, 422, 429 always
    can)."""
    return {
        code: {"model": ErrorBody, "description": _DESCRIPTIONS[code]}
        for code in sorted({400, 401, 403, 413, 422, 429, *codes})
    }


def error_body(status_code: int, message: str, details: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"error": {"status": status_code, "message": message}}
    if details is not None:
        body["error"]["details"] = jsonable_encoder(details)
    return JSONResponse(body, status_code=status_code)


def _describe(errors: list[Any]) -> str:
    parts = []
    for error in errors[:5]:
        location = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{location}: {error.get('msg', 'invalid')}")
    return "invalid request: " + "; ".join(parts)


def _allowed_methods(request: Request) -> list[str]:
    """Every method any route serves on this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        route_methods = getattr(route, "methods", None)
        if route_methods and match is not Match.NONE:
            methods.update(route_methods)
    return sorted(methods)


def http_error(exc: StarletteHTTPException) -> JSONResponse:
    response = error_body(exc.status_code, str(exc.detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def database_down(exc: OperationalError) -> JSONResponse:
    log.error("database unavailable: %s", exc)
    return error_body(503, "the database is unavailable; retry later (nothing was stored)")


def install_error_handlers(app: FastAPI) -> None:
    app.add_middleware(JsonTooLarge)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        # Drop the echoed input: it may be a large or sensitive message body.
        details = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in errors]
        return error_body(422, _describe(errors), details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = http_error(exc)
        if exc.status_code == 405:
            response.headers["Allow"] = ", ".join(_allowed_methods(request))
        return response

    @app.exception_handler(OperationalError)
    async def _database_down(_request: Request, exc: OperationalError) -> JSONResponse:
        return database_down(exc)

    @app.exception_handler(Exception)
    async def _bug(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_body(500, "internal error (logged); the request was not stored")
