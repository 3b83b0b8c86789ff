"""The app-wide message screener (one per app, created once) and its shutdown."""

from __future__ import annotations

import threading
from typing import Protocol

from starlette.datastructures import State

from childsafe.cases.intake import open_or_update_cases
from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.runtime import settings
from childsafe.screening import Answer, Batcher, IncomingMessage, Screener
from childsafe.screening.collection import BatchCollector
from childsafe.screening.intake_worker import CaseIntakeWorker
from childsafe.screening.process import ProcessScreener
from childsafe.screening.shards import Shards
from childsafe.store.db import Database

_create_lock = threading.Lock()


class MessagePath(Protocol):
    """What POST /v1/messages hands a message to: the screener shards, or with `serve
    --stream` the bridge to the stream's workers (set as state.screener by the caller)."""

    async def screen_async(self, message: IncomingMessage) -> Answer: ...

    def close(self) -> None: ...


def message_screener(state: State) -> MessagePath:
    """The app's screener (state.screener), built on first use from the app's settings.

    With state.screening_processes set to n (`childsafe serve` does), screening runs in n
    child processes, conversations spread over them; otherwise in a thread of this one (tests,
    embedding).
    """
    shards: MessagePath | None = getattr(state, "screener", None)
    if shards is not None:
        return shards
    with _create_lock:
        shards = getattr(state, "screener", None)
        if shards is None:
            policy = settings.policy(state)
            database = state.database
            processes = settings.screening_processes(state)
            worker = state.intake_worker = case_intake_worker(database, bool(processes))
            shards = state.screener = Shards(
                [
                    screening_batcher(database, policy, bool(processes), worker)
                    for _ in range(max(processes, 1))
                ]
            )
    return shards


def use_message_path(state: State, path: MessagePath) -> None:
    """Screen through `path` instead of building screeners here (`serve --stream`)."""
    state.screener = path


def case_intake_worker(database: Database, separate_processes: bool) -> CaseIntakeWorker | None:
    """The started intake worker when screening runs in child processes on PostgreSQL.

    Case intake off the message path, in this process (whose core has room to spare; the
    screening processes' have not). SQLite keeps it in the batch's transaction: a second
    writer would only queue on the database lock.
    """
    if not separate_processes or database.is_sqlite:
        return None
    worker = CaseIntakeWorker(database, open_or_update_cases)
    worker.start()
    return worker


def screening_batcher(
    database: Database,
    policy: Policy,
    separate_process: bool,
    intake_worker: CaseIntakeWorker | None,
) -> Batcher:
    """One batcher over a fresh Screener: in a child process, or in a thread of this one."""
    if separate_process:
        return Batcher(
            ProcessScreener(database.url, policy, intake_worker is not None),
            on_alert=intake_worker.notify if intake_worker else None,
        )
    return Batcher(
        Screener(database, policy, RiskTracker.default()),
        after_batch=BatchCollector().after_batch,
    )


def close_message_screener(state: State) -> None:
    """Drain queued messages and commit them; then the intake worker drains its queue."""
    with _create_lock:
        shards: MessagePath | None = getattr(state, "screener", None)
        worker: CaseIntakeWorker | None = getattr(state, "intake_worker", None)
        state.screener = state.intake_worker = None  # a restart starts fresh ones
    if shards is not None:
        shards.close()
    if worker is not None:  # after the screeners: their last alerts get their cases too
        worker.close()
