"""App lifespan and the app-wide message screener (one per app, created once)."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from childsafe.cases.intake import open_or_update_case
from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.screening import Batcher, Screener
from childsafe.screening.intake_worker import CaseIntakeWorker
from childsafe.screening.process import ProcessScreener
from childsafe.screening.shards import Shards

_create_lock = threading.Lock()


def screener_for(app: FastAPI) -> Shards:
    """The app's screener; the policy is app.state.policy when set, else the shipped one.

    With app.state.screening_processes set to n (`childsafe serve` does), screening runs in n
    child processes, conversations spread over them; otherwise in a thread of this one (tests,
    embedding).
    """
    shards: Shards | None = getattr(app.state, "screener", None)
    if shards is not None:
        return shards
    with _create_lock:
        shards = getattr(app.state, "screener", None)
        if shards is None:
            policy = getattr(app.state, "policy", None) or Policy.default()
            database = app.state.database
            processes = getattr(app.state, "screening_processes", 0)
            worker = None
            if processes and not database.is_sqlite:
                # Case intake off the message path, in this process (whose core has room to
                # spare; the screening processes' have not). SQLite keeps it in the batch's
                # transaction: a second writer would only queue on the database lock.
                worker = app.state.intake_worker = CaseIntakeWorker(database, open_or_update_case)
                worker.start()
            if processes:
                batchers = [
                    Batcher(
                        ProcessScreener(database.url, policy, worker is not None),
                        on_alert=worker.notify if worker else None,
                    )
                    for _ in range(processes)
                ]
            else:
                batchers = [Batcher(Screener(database, policy, RiskTracker.default()))]
            shards = app.state.screener = Shards(batchers)
    return shards


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Load the detector model before the first request rather than during it.
    await run_in_threadpool(screener_for, app)
    yield
    # Drain queued messages and commit them before the process exits.
    with _create_lock:
        shards: Shards | None = getattr(app.state, "screener", None)
        worker: CaseIntakeWorker | None = getattr(app.state, "intake_worker", None)
        app.state.screener = app.state.intake_worker = None  # a restart starts fresh ones
    if shards is not None:
        shards.close()
    if worker is not None:  # after the screeners: their last alerts get their cases too
        worker.close()
