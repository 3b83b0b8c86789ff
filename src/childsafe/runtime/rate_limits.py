"""The rate-limit counters: per API key, per client address and per report link.

Counters are in memory (the `limits` library's sliding window counter: constant memory per
identity, about 10 µs a hit), so each `childsafe serve` process counts on its own. The API's
middleware (childsafe.api.rate_limits) and the child's report page both count here.
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


def retry_after(seconds: int) -> dict[str, str]:
    return {"Retry-After": str(seconds)}
