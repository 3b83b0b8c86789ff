"""`childsafe bench events`: webhook events/s delivered, signed, and the delay from emit to receipt.

For each backend: a throwaway database, a subscription to a real HTTP receiver on 127.0.0.1 (a
server in a thread that verifies every signature as a platform would), and the real
WebhookWorker with the policy `childsafe serve` uses. First a backlog emitted in one
transaction, timed until its last event arrives (the rate); then events emitted one at a time at
a steady pace while the worker runs, each timed from its commit to its receipt (the delay).
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook

from childsafe.events.delivery import DeliveryPolicy
from childsafe.events.outbox import emit_rows, event_row
from childsafe.events.webhooks import ALLOW_PRIVATE_ENV, add_subscription
from childsafe.events.worker import WebhookWorker
from childsafe.store.db import Database

EVENT_TYPE = "case.opened"


def invented_case(n: int) -> dict[str, object]:
    return {
        "case_id": f"bench-case-{n}",
        "suspect_id": "bench-account",
        "priority": "P3",
        "source": "alert",
        "reasons": ["invented benchmark event"],
    }


@dataclass
class Arrivals:
    """When each event id arrived (wall clock), and how many signatures failed."""

    secret: str = ""
    at: dict[str, float] = field(default_factory=dict)
    unverified: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, body: bytes, headers: dict[str, str]) -> None:
        now = time.time()
        try:
            Webhook(self.secret).verify(body, headers)
        except Exception:
            with self.lock:
                self.unverified += 1
            return
        with self.lock:
            self.at.setdefault(headers["webhook-id"], now)

    def wait_for(self, ids: list[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if all(event_id in self.at for event_id in ids):
                    return
            time.sleep(0.005)
        raise RuntimeError(f"only {len(self.at)} events arrived within {timeout:g} s")


@contextmanager
def local_receiver(sleep_seconds: float = 0.0) -> Iterator[tuple[str, Arrivals]]:
    """A signature-checking HTTP receiver on 127.0.0.1; yields (URL, its arrivals). With
    `sleep_seconds` it sleeps that long before answering each request (a slow platform)."""
    arrivals = Arrivals()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            arrivals.record(body, {k.lower(): v for k, v in self.headers.items()})
            time.sleep(sleep_seconds)
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hooks", arrivals
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def private_receivers_allowed() -> Iterator[None]:
    """The receiver is on loopback, which webhooks refuse unless told otherwise."""
    before = os.environ.get(ALLOW_PRIVATE_ENV)
    os.environ[ALLOW_PRIVATE_ENV] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ[ALLOW_PRIVATE_ENV]
        else:
            os.environ[ALLOW_PRIVATE_ENV] = before


def subscribe(url: str, receiver_url: str, event_types: list[str]) -> str:
    """Migrate the database and subscribe the receiver; returns the signing secret."""
    database = Database(url)
    database.migrate()
    with database.session() as session:
        _, secret = add_subscription(session, receiver_url, event_types, created_by="bench")
    database.dispose()
    return secret


@contextmanager
def held_messages_webhook(url: str, sleep_seconds: float) -> Iterator[Arrivals | None]:
    """With a sleep: a receiver subscribed to message.held that takes that long to answer each
    request (what a slow platform costs the message path); with none, no receiver."""
    if not sleep_seconds:
        yield None
        return
    with private_receivers_allowed(), local_receiver(sleep_seconds) as (receiver_url, arrivals):
        arrivals.secret = subscribe(url, receiver_url, ["message.held"])
        yield arrivals


def bench_events(url: str, backlog: int, paced: int, pace_seconds: float) -> dict[str, Any]:
    with private_receivers_allowed(), local_receiver() as (receiver_url, arrivals):
        arrivals.secret = subscribe(url, receiver_url, [EVENT_TYPE])
        database = Database(url)
        worker = WebhookWorker(database, DeliveryPolicy.from_environment())
        try:
            rows = [event_row(EVENT_TYPE, invented_case(n)) for n in range(backlog)]
            started = time.perf_counter()
            with database.session() as session:
                emit_rows(session, rows)
            worker.start()
            arrivals.wait_for([row["id"] for row in rows], timeout=60 + backlog / 10)
            backlog_seconds = time.perf_counter() - started

            emitted_at: dict[str, float] = {}
            for n in range(paced):
                row = event_row(EVENT_TYPE, invented_case(backlog + n))
                emitted_at[row["id"]] = time.time()
                with database.session() as session:
                    emit_rows(session, [row])
                time.sleep(pace_seconds)
            arrivals.wait_for(list(emitted_at), timeout=60)
        finally:
            worker.close()
            database.dispose()
    delays_ms = sorted(1000 * (arrivals.at[i] - t) for i, t in emitted_at.items())
    return {
        "backend": "postgresql" if url.startswith("postgresql") else "sqlite",
        "events": backlog,
        "events_per_s": round(backlog / backlog_seconds, 1),
        # To the millisecond: with a fast worker the backlog takes a fifth of a second, where
        # hundredths would leave the rate and the time 2% apart.
        "backlog_seconds": round(backlog_seconds, 3),
        "paced_events": paced,
        "delay_p50_ms": round(statistics.median(delays_ms), 1),
        "delay_p99_ms": round(delays_ms[min(len(delays_ms) - 1, int(0.99 * len(delays_ms)))], 1),
        "unverified": arrivals.unverified,
        "poll_ms": round(worker.poll_every.total_seconds() * 1000),
    }
