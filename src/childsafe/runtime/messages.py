"""The app-wide message screener (one per app, created once) and its shutdown."""

from __future__ import annotations

import threading

from starlette.datastructures import State

from childsafe.cases.intake import open_or_update_case
from childsafe.conversations import RiskTracker
from childsafe.runtime import settings
from childsafe.screening import Batcher, Screener
from childsafe.screening.intake_worker import CaseIntakeWorker
from childsafe.screening.process import ProcessScreener
from childsafe.screening.shards import Shards

_create_lock = threading.Lock()


def message_screener(state: State) -> Shards:
    """The app's screener (state.screener), built on first use from the app's settings.

    With state.screening_processes set to n (`childsafe serve` does), screening runs in n
    child processes, conversations spread over them; otherwise in a thread of this one (tests,
    embedding).
    """
    shards: Shards | None = getattr(state, "screener", None)
    if shards is not None:
        return shards
    with _create_lock:
        shards = getattr(state, "screener", None)
        if shards is None:
            policy = settings.policy(state)
            database = state.database
            processes = settings.screening_processes(state)
            worker = None
            if processes and not database.is_sqlite:
                # Case intake off the message path, in this process (whose core has room to
                # spare; the screening processes' have not). SQLite keeps it in the batch's
                # transaction: a second writer would only queue on the database lock.
                worker = state.intake_worker = CaseIntakeWorker(database, open_or_update_case)
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
            shards = state.screener = Shards(batchers)
    return shards


def close_message_screener(state: State) -> None:
    """Drain queued messages and commit them; then the intake worker drains its queue."""
    with _create_lock:
        shards: Shards | None = getattr(state, "screener", None)
        worker: CaseIntakeWorker | None = getattr(state, "intake_worker", None)
        state.screener = state.intake_worker = None  # a restart starts fresh ones
    if shards is not None:
        shards.close()
    if worker is not None:  # after the screeners: their last alerts get their cases too
        worker.close()
