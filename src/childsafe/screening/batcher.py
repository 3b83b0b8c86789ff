"""Group commit: one thread screens queued messages in batches, one transaction per batch.

Requests wait on a future that is resolved only after their batch committed. Under load the
queue fills while a commit (an fsync) is in flight, so the next batch is larger and the cost
of durability is shared; with a single request in flight a batch is just that message.
A screener that can take a batch without waiting for the last one's answer (ProcessScreener's
`submit`) is handed each batch at once; it merges what queues up on its side.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Protocol

from childsafe.screening.records import Answer, IncomingMessage, ScreeningError
from childsafe.screening.screener import Outcome

log = logging.getLogger("childsafe.screening")

MAX_BATCH = 256
_STOP = object()

Waiter = Future[Answer] | asyncio.Future[Answer]


class BatchScreener(Protocol):
    """What the batcher drives: Screener in this process, or ProcessScreener beside it."""

    def screen_batch(self, messages: Sequence[IncomingMessage]) -> Sequence[Outcome]: ...

    def forget_shard(self, shard: int, shards: int) -> None: ...


@dataclass(frozen=True, slots=True)
class _ForgetShard:
    shard: int
    shards: int


class Batcher:
    def __init__(
        self,
        screener: BatchScreener,
        max_batch: int = MAX_BATCH,
        on_alert: Callable[[], None] | None = None,
        after_batch: Callable[[], None] | None = None,
    ) -> None:
        """on_alert is called once per batch whose answers raised an alert (it wakes the
        case intake worker when the screener defers intake); after_batch after each batch
        screened on this batcher's thread, its answers settled (a BatchCollector's)."""
        self.screener = screener
        self.max_batch = max_batch
        self.on_alert = on_alert
        self.after_batch = after_batch
        # A screener that takes a batch without waiting for the last (ProcessScreener).
        self._submit: Callable[[Sequence[IncomingMessage]], Future[Sequence[Outcome]]] | None = (
            getattr(screener, "submit", None)
        )
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="childsafe-screener", daemon=True)
        self._lock = threading.Lock()
        self._started = False
        self._closed = False

    def _put(
        self, item: tuple[IncomingMessage, Waiter] | tuple[_ForgetShard, Future[None]]
    ) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the screener is shut down")
            if not self._started:
                self._thread.start()
                self._started = True
        self._queue.put(item)

    def submit(self, message: IncomingMessage) -> Future[Answer]:
        """Queue a message; the future holds its answer (or its error) once committed."""
        future: Future[Answer] = Future()
        self._put((message, future))
        return future

    def screen_soon(self, message: IncomingMessage) -> asyncio.Future[Answer]:
        """Queue a message from the running event loop; the future settles as `screen_async`
        returns. A caller with a batch in hand awaits these futures together: no task per
        message."""
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._put((message, future))
        return future

    async def screen_async(self, message: IncomingMessage) -> Answer:
        """The answer once committed; raises UnknownAccount or a ScreeningError for bad input."""
        return await self.screen_soon(message)

    def screen(self, message: IncomingMessage) -> Answer:
        """Blocking form for scripts (seed-demo, tests); raises as screen_async does."""
        return self.submit(message).result()

    def forget_shard(self, shard: int, shards: int) -> Future[None]:
        """Drop one shard's detector state once everything queued before is screened (a
        worker released that stream partition); the future settles when it is done."""
        future: Future[None] = Future()
        self._put((_ForgetShard(shard, shards), future))
        return future

    def close(self) -> None:
        """Finish what is queued, then stop."""
        with self._lock:
            self._closed = True
            started = self._started
        if started:
            self._queue.put(_STOP)
            self._thread.join()
        close = getattr(self.screener, "close", None)
        if close is not None:
            close()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            items: list[tuple[IncomingMessage, Waiter]] = []
            forget: tuple[_ForgetShard, Future[None]] | None = None
            item = self._queue.get()
            while True:
                if item is _STOP:
                    stopping = True
                elif isinstance(item[0], _ForgetShard):  # type: ignore[index]
                    forget = item  # type: ignore[assignment]
                    break  # after the messages queued before it
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
                if self.after_batch is not None and self._submit is None:
                    self.after_batch()
            if forget is not None:
                self._forget(*forget)

    def _forget(self, forget: _ForgetShard, done: Future[None]) -> None:
        try:
            self.screener.forget_shard(forget.shard, forget.shards)
        except Exception as error:
            done.set_exception(error)
        else:
            done.set_result(None)

    def _screen(self, items: list[tuple[IncomingMessage, Waiter]]) -> None:
        messages = [message for message, _ in items]
        submit = self._submit
        if submit is None:
            try:
                self._settle_batch(items, self.screener.screen_batch(messages))
            except Exception as error:  # the database is down, or a bug: fail these, go on
                self._fail_batch(items, error)
            return
        try:
            future: Future[Sequence[Outcome]] = submit(messages)
        except Exception as error:
            self._fail_batch(items, error)
            return
        future.add_done_callback(lambda done: self._settle_future(items, done))

    def _settle_future(
        self, items: list[tuple[IncomingMessage, Waiter]], done: Future[Sequence[Outcome]]
    ) -> None:
        error = done.exception()
        if error is None:
            self._settle_batch(items, done.result())
        else:
            self._fail_batch(items, error if isinstance(error, Exception) else Exception(error))

    def _fail_batch(self, items: list[tuple[IncomingMessage, Waiter]], error: Exception) -> None:
        log.error("screening a batch of %d failed", len(items), exc_info=error)
        self._settle_batch(items, [error] * len(items))

    def _settle_batch(
        self,
        items: list[tuple[IncomingMessage, Waiter]],
        outcomes: Sequence[Outcome | Exception],
    ) -> None:
        if self.on_alert is not None and any(
            isinstance(outcome, dict) and outcome.get("alert_id") for outcome in outcomes
        ):
            self.on_alert()
        # One wake-up per event loop for the whole batch, not one per request.
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Waiter, Outcome | Exception]]] = (
            defaultdict(list)
        )
        for (_, waiter), outcome in zip(items, outcomes, strict=True):
            if isinstance(waiter, asyncio.Future):
                by_loop[waiter.get_loop()].append((waiter, outcome))
            else:
                _settle(waiter, outcome)
        for loop, settled in by_loop.items():
            # A closed loop (RuntimeError) has nobody waiting any more; the answers are stored.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle_all, settled)


def _settle(waiter: Waiter, outcome: Outcome | Exception) -> None:
    if waiter.cancelled():  # nobody waits for it any more; the answer is stored
        return
    if isinstance(outcome, ScreeningError | Exception):
        waiter.set_exception(outcome)
    else:
        waiter.set_result(outcome)


def _settle_all(settled: list[tuple[Waiter, Outcome | Exception]]) -> None:
    for waiter, outcome in settled:
        _settle(waiter, outcome)
