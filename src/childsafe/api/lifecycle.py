"""App lifespan and the app-wide message screener (one per app, created once)."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.screening import Batcher, Screener
from childsafe.screening.batcher import BatchScreener
from childsafe.screening.process import ProcessScreener

_create_lock = threading.Lock()


def screener_for(app: FastAPI) -> Batcher:
    """The app's screener; the policy is app.state.policy when set, else the shipped one.

    With app.state.screening_process set (`childsafe serve` does), screening runs in a child
    process; otherwise in a thread of this one (tests, embedding).
    """
    batcher: Batcher | None = getattr(app.state, "screener", None)
    if batcher is not None:
        return batcher
    with _create_lock:
        batcher = getattr(app.state, "screener", None)
        if batcher is None:
            policy = getattr(app.state, "policy", None) or Policy.default()
            database = app.state.database
            screener: BatchScreener = (
                ProcessScreener(database.url, policy)
                if getattr(app.state, "screening_process", False)
                else Screener(database, policy, RiskTracker.default())
            )
            batcher = app.state.screener = Batcher(screener)
    return batcher


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Load the detector model before the first request rather than during it.
    await run_in_threadpool(screener_for, app)
    yield
    # Drain queued messages and commit them before the process exits.
    with _create_lock:
        batcher: Batcher | None = getattr(app.state, "screener", None)
        app.state.screener = None  # a restarted lifespan starts a fresh one
    if batcher is not None:
        batcher.close()
