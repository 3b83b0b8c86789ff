"""Refuse, before anything is queued, request input that no route could store.

PostgreSQL text cannot hold NUL (U+0000), and no store holds text that is not Unicode; such
input would fail deep in a screening batch and take the messages screened with it. One check
at the edge gives every route, on both backends, the same clear error instead:

- a NUL in the path or query string, or in a body (a JSON `\\u0000` escape, a form's `%00`): 422;
- a body that is not UTF-8 or holds NUL bytes (UTF-16 and UTF-32 JSON, which the JSON parser
  would otherwise decode): 400 - the API takes UTF-8 JSON (RFC 8259);
- a body over MAX_BODY_BYTES: 413.

Every body but multipart is read whole, whatever its content type: FastAPI parses
`application/json`, `application/*+json` and bodies without a content type as JSON. Multipart
bodies (images) hold NUL bytes legitimately: they stream to their routes unread, under the
route's own size limit or else MAX_BODY_BYTES, and their text fields are checked by the
routes' field types (childsafe.api.fields).
"""

from __future__ import annotations

import re

from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from childsafe.api.asgi_body import read_body, replay_body
from childsafe.api.errors import MAX_BODY_BYTES, JsonTooLarge, error_body
from childsafe.console.web import page_refusal

# A JSON \u0000 escape not itself escaped (an even run of backslashes before it).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORM_NUL = re.compile(rb"%00|\x00")
_FORM = b"application/x-www-form-urlencoded"
_MULTIPART = b"multipart/form-data"
MESSAGE = "NUL characters (U+0000) are not accepted"
NOT_UTF8 = (
    "the request body is not UTF-8 text: send JSON as UTF-8 (UTF-16, UTF-32 and NUL bytes "
    "are not accepted)"
)
TOO_LARGE = f"request body too large (limit {MAX_BODY_BYTES} bytes)"


class CheckRequestInput:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # A route with a limit of its own (media uploads) raises this one for itself.
        self.multipart = JsonTooLarge(
            RequestBodyLimitMiddleware(app, max_body_size=MAX_BODY_BYTES), answer=_refused
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or _FORM_NUL.search(scope["query_string"]):
            await _refused(scope, 422, f"{MESSAGE} in the path or query string")(
                scope, receive, send
            )
            return
        media_type = _media_type(scope)
        if media_type == _MULTIPART:
            await self.multipart(scope, receive, send)
            return
        body, complete = await read_body(receive)
        refusal = _refusal(media_type, body)
        if refusal is not None:
            await _refused(scope, *refusal)(scope, receive, send)
            return
        await self.app(scope, replay_body(body, complete, receive), send)


def _refusal(media_type: bytes, body: bytes) -> tuple[int, str] | None:
    """Why the whole body (or the over-long start of it) is refused, or None."""
    if len(body) > MAX_BODY_BYTES:
        return 413, TOO_LARGE
    if media_type == _FORM:
        return (422, f"{MESSAGE} in the request body") if _FORM_NUL.search(body) else None
    if b"\x00" in body or not _is_utf8(body):
        return 400, NOT_UTF8
    if _JSON_NUL.search(body):
        return 422, f"{MESSAGE} in the request body"
    return None


def _refused(scope: Scope, status: int, message: str) -> Response:
    """The API's JSON error; a page for the pages people use (console, child's report page)."""
    path: str = scope["path"]
    if path.startswith("/v1/"):
        return error_body(status, message)
    words = "We could not read what was sent. Go back to the app and try again."
    return page_refusal(status, "We could not read that", words, path)


def _is_utf8(body: bytes) -> bool:
    if body.isascii():
        return True
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _media_type(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bytes(value.split(b";", 1)[0].strip().lower())
    return b""
