"""Group commit: one thread screens queued messages in batches, one transaction per batch.

Requests wait on a future that is resolved only after their batch committed. Under load the
queue fills while a commit (an fsync) is in flight, so the next batch is larger and the cost
of durability is shared; with a single request in flight a batch is just that message.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future

from childsafe.screening.records import Answer, IncomingMessage, ScreeningError
from childsafe.screening.screener import Screener

log = logging.getLogger("childsafe.screening")

MAX_BATCH = 256
_STOP = object()


class Batcher:
    def __init__(self, screener: Screener, max_batch: int = MAX_BATCH) -> None:
        self.screener = screener
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="childsafe-screener", daemon=True)
        self._lock = threading.Lock()
        self._started = False
        self._closed = False

    def submit(self, message: IncomingMessage) -> Future[Answer]:
        """Queue a message; the future holds its answer (or a ScreeningError) once committed."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the screener is shut down")
            if not self._started:
                self._thread.start()
                self._started = True
        future: Future[Answer] = Future()
        self._queue.put((message, future))
        return future

    def screen(self, message: IncomingMessage) -> Answer:
        """Blocking form for scripts (seed-demo, tests): raises ScreeningError on bad input."""
        return self.submit(message).result()

    def close(self) -> None:
        """Finish what is queued, then stop."""
        with self._lock:
            self._closed = True
            started = self._started
        if started:
            self._queue.put(_STOP)
            self._thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            items: list[tuple[IncomingMessage, Future[Answer]]] = []
            item = self._queue.get()
            while True:
                if item is _STOP:
                    stopping = True
                else:
                    items.append(item)  # type: ignore[arg-type]
                if len(items) >= self.max_batch:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if items:
                self._screen(items)

    def _screen(self, items: list[tuple[IncomingMessage, Future[Answer]]]) -> None:
        try:
            outcomes = self.screener.screen_batch([message for message, _ in items])
        except Exception as error:  # the database is down, or a bug: fail these, keep serving
            log.exception("screening a batch of %d failed", len(items))
            for _, future in items:
                if not future.cancelled():
                    future.set_exception(error)
            return
        for (_, future), outcome in zip(items, outcomes, strict=True):
            if future.cancelled():  # nobody waits for it any more; the answer is stored
                continue
            if isinstance(outcome, ScreeningError):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
