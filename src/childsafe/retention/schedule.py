"""The daily purge inside `childsafe serve`: a daemon thread with its own sessions, so the
message path never waits for it (the purge deletes in small transactions)."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from childsafe.retention.purge import purge
from childsafe.store.db import Database

log = logging.getLogger("childsafe.retention")


class PurgeSchedule:
    def __init__(self, database: Database, every: timedelta, window: timedelta) -> None:
        self.database = database
        self.every = every
        self.window = window
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention-purge", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        # The first run at start: a server restarted daily still purges.
        while not self._stop.is_set():
            try:
                log.info("retention: %s", purge(self.database, self.window).describe())
            except Exception:  # logged (without SQL parameters) and retried on schedule
                log.exception("retention purge failed; retrying in %s", self.every)
            self._stop.wait(self.every.total_seconds())
