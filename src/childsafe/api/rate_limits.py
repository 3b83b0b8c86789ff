"""Rate limits per API key, per client address and per report link.

/v1 requests with a bearer key count against that key, named by the SHA-256 of the token so no
database lookup is needed (a wrong key is refused later by authentication). Everything else
(the console, the child's report page, /v1 without a key) counts against the client address,
and so does every 401 a keyed request gets: an address that keeps sending wrong keys is paused
like one that sends too much. The report page also limits each link (`RateLimits.link`).
A refusal is 429 with Retry-After in seconds: the JSON error body on /v1, a page elsewhere.

The counters are childsafe.runtime.rate_limits (in memory, per process). Behind a
proxy the client address is the one in its X-Forwarded-For: uvicorn trusts that header from
127.0.0.1, and from the addresses in FORWARDED_ALLOW_IPS.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from childsafe.api.errors import error_body
from childsafe.console.web import page_refusal
from childsafe.runtime.rate_limits import RateLimits, retry_after


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class RateLimit:
    """ASGI middleware: refuses over-limit requests before their body is read."""

    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limits.enabled:
            await self.app(scope, receive, send)
            return
        address = client_address(scope)
        api = scope["path"].startswith("/v1/")
        token = _bearer_token(scope) if api else None
        if token is None:
            wait = self.limits.address(address)
        else:
            wait = self.limits.paused(address) or self.limits.key(token)
        if wait is not None:
            await _too_many(wait, api, scope["path"])(scope, receive, send)
            return
        if token is None:
            await self.app(scope, receive, send)
            return

        async def count_wrong_keys(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                self.limits.wrong_key(address)
            await send(message)

        await self.app(scope, receive, count_wrong_keys)


def _bearer_token(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.partition(b" ")
            token = token.strip()
            return token if scheme.lower() == b"bearer" and token else None
    return None


def _too_many(wait: int, api: bool, path: str) -> Response:
    if api:
        response: Response = error_body(
            429, f"too many requests; retry in {wait} s (see the Retry-After header)"
        )
    else:
        seconds = f"{wait} second{'' if wait == 1 else 's'}"
        words = (
            f"We got a lot of requests from here just now. Please wait {seconds}, then try again."
        )
        response = page_refusal(429, "Please wait a moment", words, path)
    response.headers.update(retry_after(wait))
    return response
