"""Connecting to NATS, the same way for workers and the bridge: failures are logged."""

from __future__ import annotations

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
