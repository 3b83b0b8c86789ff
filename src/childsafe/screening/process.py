"""Screening in a process of its own, so it does not share the web server's GIL.

The web process parses HTTP and hands each batch over a pipe; this process runs the Screener
(detector, policy, database) and sends the outcomes back. On a 2-core machine that puts the
HTTP work and the screening on different cores instead of taking turns on one. If the web
process dies, the pipe closes and this process exits after its current batch; an answer is
only ever sent after its batch committed, so "acknowledged means committed" still holds.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection

from sqlalchemy.exc import OperationalError

from childsafe.policy import Policy
from childsafe.screening.records import IncomingMessage, ScreeningUnavailable
from childsafe.screening.screener import Outcome, Screener

START_TIMEOUT_S = 60.0


def _serve(connection: Connection, database_url: str, policy: Policy) -> None:
    from childsafe.conversations import RiskTracker
    from childsafe.store.db import Database, json_text

    # No ping before each batch: this process keeps one connection busy, and if it has died
    # the batch fails unacknowledged (clients retry) while the pool reconnects.
    database = Database(
        database_url,
        json_serializer=json_text,
        **({} if "sqlite" in database_url else {"pool_pre_ping": False}),
    )
    # On PostgreSQL case intake runs beside the message path (intake_worker.py); SQLite has one
    # writer at a time, so there a second writer would only queue behind the screener.
    screener = Screener(
        database, policy, RiskTracker.default(), defer_case_intake=not database.is_sqlite
    )
    connection.send("ready")
    try:
        while True:
            try:
                batch = connection.recv()
            except EOFError:  # the web process has gone
                return
            if batch is None:
                return
            # The whole batch either has its outcomes or failed (rolled back); the original
            # exception is replaced because it may not pickle.
            reply: tuple[str, object]
            try:
                reply = ("outcomes", list(screener.screen_batch(batch)))
            except OperationalError as error:
                reply = ("failed", ScreeningUnavailable(f"database unavailable: {error.orig!r}"))
            except Exception as error:
                reply = ("failed", RuntimeError(f"screening failed: {error!r}"))
            connection.send(reply)
    finally:
        screener.close()
        database.dispose()


class ProcessScreener:
    """Same `screen_batch` as Screener, run in a child process (spawned, not forked)."""

    def __init__(self, database_url: str, policy: Policy) -> None:
        self._database_url = database_url
        self._policy = policy
        self._lock = threading.Lock()
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_serve,
            args=(child, self._database_url, self._policy),
            name="childsafe-screener",
            daemon=True,
        )
        self._process.start()
        child.close()
        if not self._connection.poll(START_TIMEOUT_S) or self._connection.recv() != "ready":
            self._process.kill()
            raise RuntimeError("the screening process did not start")

    def screen_batch(self, messages: Sequence[IncomingMessage]) -> list[Outcome]:
        with self._lock:
            try:
                self._connection.send(list(messages))
                kind, result = self._connection.recv()
            except (EOFError, OSError) as error:
                # It died mid-batch: whatever it committed is stored (a retry gets the stored
                # answer); nothing was acknowledged. Start a new one for the next batch.
                self._process.kill()
                self._connection.close()
                self._start()
                raise ScreeningUnavailable(
                    "the screening process died; it was restarted"
                ) from error
        if kind == "failed":
            raise result
        outcomes: list[Outcome] = result
        return outcomes

    def close(self) -> None:
        with self._lock, contextlib.suppress(BrokenPipeError, OSError):
            self._connection.send(None)
        self._process.join(timeout=30)
        if self._process.is_alive():
            self._process.kill()
        self._connection.close()
