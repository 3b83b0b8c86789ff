"""Rate limits per API key, per client address and per report link.

/v1 requests with a bearer key count against that key, named by the SHA-256 of the token so no
database lookup is needed (a wrong key is refused later by authentication). Everything else
(the console, the child's report page, /v1 without a key) counts against the client address,
and so does every 401 a keyed request gets: an address that keeps sending wrong keys is paused
like one that sends too much. The report page also limits each link (`RateLimits.link`).
A refusal is 429 with Retry-After in seconds: the JSON error body on /v1, a page elsewhere.

Counters are in memory (the `limits` library's sliding window counter: constant memory per
identity, about 10 µs a hit), so each `childsafe serve` process counts on its own. Behind a
proxy the client address is the one in its X-Forwarded-For: uvicorn trusts that header from
127.0.0.1, and from the addresses in FORWARDED_ALLOW_IPS.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from typing import Any

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from childsafe.api.errors import error_body
from childsafe.console.web import page_refusal

SWITCH_ENV = "CHILDSAFE_RATE_LIMITS"  # "off" turns every limit off (a benchmark, a proxy's own)
PER_KEY_ENV = "CHILDSAFE_RATE_LIMIT_PER_KEY"
PER_ADDRESS_ENV = "CHILDSAFE_RATE_LIMIT_PER_ADDRESS"
PER_LINK_ENV = "CHILDSAFE_RATE_LIMIT_PER_LINK"
# Per key: about three times the ~3,500 messages/s one `serve` process reaches, so a platform's
# real traffic is never throttled; lower it to your own peak. Per address: pages and keyless
# requests, which people make by hand (a school's network may hold many children). Per link: a
# child sends one report; the rest are retries of a form that did not go through.
DEFAULTS = {
    PER_KEY_ENV: "10000/second",
    PER_ADDRESS_ENV: "600/minute",
    PER_LINK_ENV: "10/minute",
}
_MAX_PAUSED = 10_000  # addresses paused for wrong keys; never grows without bound


def _limits(env: str) -> list[RateLimitItem]:
    spelled = os.environ.get(env, DEFAULTS[env])
    try:
        return parse_many(spelled)
    except ValueError as error:
        raise ValueError(
            f"{env}={spelled!r} is not a rate limit; write e.g. '100/second' or "
            f"'600/minute;10000/hour' ({error})"
        ) from error


class RateLimits:
    """The app's counters. Each check returns the seconds to wait, or None when allowed."""

    def __init__(self) -> None:
        self.enabled = os.environ.get(SWITCH_ENV, "on").strip().lower() != "off"
        self._per_key = _limits(PER_KEY_ENV)
        self._per_address = _limits(PER_ADDRESS_ENV)
        self._per_link = _limits(PER_LINK_ENV)
        self._limiter = SlidingWindowCounterRateLimiter(MemoryStorage())
        self._paused: dict[str, float] = {}  # address -> time.monotonic() it may go on

    def key(self, token: bytes) -> int | None:
        return self._hit(self._per_key, "key", hashlib.sha256(token).hexdigest())

    def address(self, address: str) -> int | None:
        return self._hit(self._per_address, "address", address)

    def link(self, link_id: str) -> int | None:
        return self._hit(self._per_link, "link", link_id)

    def wrong_key(self, address: str) -> None:
        """A keyed request was refused (401): it counts against its address, which is paused
        once over the limit, whatever keys it sends next."""
        wait = self.address(address)
        if wait is not None:
            if len(self._paused) >= _MAX_PAUSED:
                self._paused.clear()
            self._paused[address] = time.monotonic() + wait

    def paused(self, address: str) -> int | None:
        if not self._paused:  # the usual case: one falsy check on the hot path
            return None
        until = self._paused.get(address)
        if until is None:
            return None
        left = until - time.monotonic()
        if left <= 0:
            self._paused.pop(address, None)
            return None
        return math.ceil(left)

    def _hit(self, items: list[RateLimitItem], *identity: str) -> int | None:
        if not self.enabled:
            return None
        for item in items:
            if not self._limiter.hit(item, *identity):
                reset = self._limiter.get_window_stats(item, *identity).reset_time
                return max(1, math.ceil(reset - time.time()))
        return None


def rate_limits_of(app: Any) -> RateLimits:
    """The app's one RateLimits, read from the environment when first asked for."""
    limits: RateLimits | None = getattr(app.state, "rate_limits", None)
    if limits is None:
        limits = app.state.rate_limits = RateLimits()
    return limits


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def retry_after(seconds: int) -> dict[str, str]:
    return {"Retry-After": str(seconds)}


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
