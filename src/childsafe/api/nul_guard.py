"""Refuse NUL characters (U+0000) in paths, query strings and JSON or form bodies.

PostgreSQL text cannot hold NUL, so such input would otherwise fail deep in a transaction (a
500 on one backend, stored on the other). One check at the edge gives every route, on both
backends, the same clear 422 before anything is stored. Multipart bodies (images) are left to
their routes: binary parts contain NUL bytes legitimately.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

from childsafe.api.asgi_body import read_body, replay_body
from childsafe.api.errors import error_body

# A JSON \u0000 escape not itself escaped (an even run of backslashes before it).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORM_NUL = re.compile(rb"%00|\x00")
_CHECKED_BODIES = {
    b"application/json": _JSON_NUL,
    b"application/x-www-form-urlencoded": _FORM_NUL,
}
MESSAGE = "NUL characters (U+0000) are not accepted"


class RefuseNul:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or _FORM_NUL.search(scope["query_string"]):
            await error_body(422, f"{MESSAGE} in the path or query string")(scope, receive, send)
            return
        pattern = _CHECKED_BODIES.get(_media_type(scope))
        if pattern is None:
            await self.app(scope, receive, send)
            return
        body, complete = await read_body(receive)
        if pattern.search(body):
            await error_body(422, f"{MESSAGE} in the request body")(scope, receive, send)
            return
        await self.app(scope, replay_body(body, complete, receive), send)


def _media_type(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bytes(value.split(b";", 1)[0].strip().lower())
    return b""
