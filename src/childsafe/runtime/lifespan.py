"""The app's lifespan: what the runtime builds is ready before the first request and drained
before the process exits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from childsafe.runtime.messages import close_message_screener, message_screener


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Load the detector model before the first request rather than during it.
    await run_in_threadpool(message_screener, app.state)
    yield
    close_message_screener(app.state)
