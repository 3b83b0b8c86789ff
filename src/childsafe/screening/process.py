"""Screening in a process of its own, so it does not share the web server's GIL.

The web process parses HTTP and hands each batch over a pipe; this process runs the Screener
(detector, policy, database) and sends the outcomes back. On a 2-core machine that puts the
HTTP work and the screening on different cores instead of taking turns on one.

The pipe is pipelined: the web process sends a batch as soon as it has one, without waiting
for the answer to the last, and the child screens whatever has queued in the pipe as one batch
(one transaction), then answers each batch in order. So the child never sits idle while the web
process takes in answers, and its batches stay large. If the web process dies, the pipe closes
and this process exits after its current batch; an answer is only ever sent after its batch
committed, so "acknowledged means committed" still holds. If this process dies, every batch in
flight fails unacknowledged (clients retry) and a new process takes over.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import threading
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from multiprocessing.connection import Connection

from sqlalchemy.exc import OperationalError

from childsafe.policy import Policy
from childsafe.screening.collection import BatchCollector
from childsafe.screening.records import IncomingMessage, ScreeningUnavailable
from childsafe.screening.screener import Outcome, Screener

START_TIMEOUT_S = 60.0
# Messages screened in one transaction at most when batches queued up in the pipe.
MAX_MERGED = 512

Reply = tuple[str, object]


def _died() -> ScreeningUnavailable:
    return ScreeningUnavailable("the screening process died; it was restarted")


def _screen(screener: Screener, batches: list[list[IncomingMessage]]) -> list[Reply]:
    """One transaction for all the batches; a reply for each, in order."""
    merged = [message for batch in batches for message in batch]
    # The whole merge either has its outcomes or failed (rolled back); the original exception
    # is replaced because it may not pickle.
    failure: Exception
    try:
        outcomes = screener.screen_batch(merged)
    except OperationalError as error:
        failure = ScreeningUnavailable(f"database unavailable: {error.orig!r}")
    except Exception as error:
        failure = RuntimeError(f"screening failed: {error!r}")
    else:
        replies: list[Reply] = []
        start = 0
        for batch in batches:
            replies.append(("outcomes", outcomes[start : start + len(batch)]))
            start += len(batch)
        return replies
    return [("failed", failure)] * len(batches)


def _serve(
    connection: Connection, database_url: str, policy: Policy, defer_case_intake: bool
) -> None:
    from childsafe.conversations import RiskTracker
    from childsafe.store.db import Database, json_text

    # No ping before each batch: this process keeps one connection busy, and if it has died
    # the batch fails unacknowledged (clients retry) while the pool reconnects.
    database = Database(
        database_url,
        json_serializer=json_text,
        **({} if "sqlite" in database_url else {"pool_pre_ping": False}),
    )
    screener = Screener(
        database, policy, RiskTracker.default(), defer_case_intake=defer_case_intake
    )
    # Start-up's objects live as long as this process: full collections skip them (as in
    # `childsafe worker`).
    gc.freeze()
    collector = BatchCollector()
    connection.send("ready")
    try:
        stopping = False
        while not stopping:
            batches: list[list[IncomingMessage]] = []
            forget: tuple[str, int, int] | None = None
            try:
                batch = connection.recv()
                while batch is not None:
                    if isinstance(batch, tuple):  # ("forget", shard, shards)
                        forget = batch
                        break  # after the batches that came before it
                    batches.append(batch)
                    if sum(map(len, batches)) >= MAX_MERGED or not connection.poll():
                        break
                    batch = connection.recv()
            except EOFError:  # the web process has gone: screen what came, then stop
                batch = None
            stopping = batch is None
            replies = _screen(screener, batches) if batches else []
            if forget is not None:
                screener.forget_shard(forget[1], forget[2])
                replies.append(("forgot", None))
            for reply in replies:
                with contextlib.suppress(BrokenPipeError, OSError):
                    connection.send(reply)
            if batches:
                collector.after_batch()  # after the answers: it delays none of them
    finally:
        database.dispose()


class ProcessScreener:
    """Same `screen_batch` as Screener, run in a child process (spawned, not forked); `submit`
    sends a batch without waiting for the last one's answer. With defer_case_intake, alerts'
    case intakes are queued for a CaseIntakeWorker (which runs elsewhere)."""

    def __init__(self, database_url: str, policy: Policy, defer_case_intake: bool = False) -> None:
        self._database_url = database_url
        self._policy = policy
        self._defer_case_intake = defer_case_intake
        # Guards the pipe's sending end, the futures in flight, and restarts.
        self._lock = threading.Lock()
        self._in_flight: deque[Future[list[Outcome]]] = deque()
        self._closing = False
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_serve,
            args=(child, self._database_url, self._policy, self._defer_case_intake),
            name="childsafe-screener",
            daemon=True,
        )
        self._process.start()
        child.close()
        if not self._connection.poll(START_TIMEOUT_S) or self._connection.recv() != "ready":
            self._process.kill()
            raise RuntimeError("the screening process did not start")
        threading.Thread(
            target=self._receive, args=(self._connection,), name="childsafe-replies", daemon=True
        ).start()

    def submit(self, messages: Sequence[IncomingMessage]) -> Future[list[Outcome]]:
        """The batch's outcomes, once its transaction committed (or a ScreeningError)."""
        return self._send(list(messages))

    def screen_batch(self, messages: Sequence[IncomingMessage]) -> list[Outcome]:
        return self.submit(messages).result()

    def forget_shard(self, shard: int, shards: int) -> None:
        """The child drops one shard's detector state after the batches sent before; this
        returns when it has (or when it died: a new child starts with nothing in memory)."""
        with contextlib.suppress(ScreeningUnavailable):
            self._send(("forget", shard, shards)).result()

    def _send(self, item: list[IncomingMessage] | tuple[str, int, int]) -> Future[list[Outcome]]:
        """Down the pipe; the child's reply to it settles the future (replies come in order)."""
        future: Future[list[Outcome]] = Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("the screener is shut down")
            self._in_flight.append(future)
            try:
                self._connection.send(item)
            except (OSError, ValueError):
                # The child died: the reply thread sees the pipe close and starts a new one.
                self._in_flight.pop()
                future.set_exception(_died())
        return future

    def _receive(self, connection: Connection) -> None:
        """Replies come in the order the batches (and forgets) went."""
        while True:
            try:
                kind, result = connection.recv()
            except (EOFError, OSError):
                self._restart(connection)
                return
            with self._lock:
                future = self._in_flight.popleft()
            if kind == "failed":
                assert isinstance(result, Exception)
                future.set_exception(result)
            else:
                future.set_result(result)

    def _restart(self, dead: Connection) -> None:
        """The child died mid-batch (or we are closing): whatever it committed is stored (a
        retry gets the stored answer); nothing in flight was acknowledged."""
        with self._lock:
            failed = list(self._in_flight)
            self._in_flight.clear()
            if not self._closing and dead is self._connection:
                self._process.kill()
                dead.close()
                self._start()
        for future in failed:
            future.set_exception(_died())

    def close(self) -> None:
        with self._lock:
            self._closing = True
            with contextlib.suppress(BrokenPipeError, OSError):
                self._connection.send(None)
        self._process.join(timeout=30)
        if self._process.is_alive():
            self._process.kill()
        self._connection.close()
