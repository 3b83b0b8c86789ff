"""Connecting to NATS, the same way for workers and the bridge: failures are logged."""

from __future__ import annotations

import asyncio
import logging

import nats
from nats.aio.client import Client as NatsClient

log = logging.getLogger("childsafe.streaming")


async def connect(url: str, name: str, *, retry_for_ever: bool) -> NatsClient:
    """A connection to `url`. With retry_for_ever it waits for the server however long it
    takes (a worker may start before NATS), logging each failed try; otherwise nats-py's
    default of 60 tries applies."""
    options = {"max_reconnect_attempts": -1} if retry_for_ever else {}
    return await nats.connect(url, name=name, error_cb=_log_error, **options)


async def _log_error(error: Exception) -> None:
    log.warning("NATS %s: %s", type(error).__name__, error)


async def connect_unless_stopped(url: str, name: str, stop: asyncio.Event) -> NatsClient | None:
    """Connect, retrying for ever, unless `stop` is set first (then None)."""
    connecting = asyncio.ensure_future(connect(url, name, retry_for_ever=True))
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait((connecting, stopped), return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if not connecting.done():  # stopped while NATS was still out of reach
        connecting.cancel()
        return None
    return connecting.result()
