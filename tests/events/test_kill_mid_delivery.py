"""SIGKILL `childsafe serve` while its webhook worker waits on a receiver that holds the first
delivery open: after a restart every event arrives at least once, under its own webhook-id."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from childsafe.bench.api import SERVE_COMMAND, wait_for_url
from childsafe.events import emit
from childsafe.events.delivery import LEASE_MARGIN_ENV, TIMEOUT_ENV, count_by_status
from childsafe.events.webhooks import ALLOW_PRIVATE_ENV, add_subscription
from childsafe.store.db import Database
from tests.events.receiver import receiver
from tests.helpers.events import case_opened

EVENTS = 5
# A killed worker's attempts may be claimed again after 2 x 3 s (lease margin 0): short waits.
SERVER_ENVIRONMENT = {ALLOW_PRIVATE_ENV: "1", TIMEOUT_ENV: "3", LEASE_MARGIN_ENV: "0"}


@contextmanager
def serve(url: str, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [
                *SERVE_COMMAND,
                *("--port", "0", "--database-url", url),
                *("--screening", "thread", "--purge-every", "0"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=os.environ | SERVER_ENVIRONMENT,
        )
    try:
        wait_for_url(process, log_path)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_every_event_arrives_with_its_id_after_the_server_is_killed_mid_delivery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    url = f"sqlite:///{tmp_path / 'killed.sqlite3'}"
    database = Database(url)
    database.migrate()
    log_path = tmp_path / "serve.log"
    with receiver() as hook:
        hook.released = threading.Event()  # the first deliveries hang until the kill
        with database.session() as session:
            _, hook.secret = add_subscription(session, hook.url, ["case.opened"], created_by="t")
            ids = [emit(session, "case.opened", case_opened(n)) for n in range(EVENTS)]

        with serve(url, log_path) as first:
            hook.wait_arrived(timeout=20)
            first.kill()  # SIGKILL while the receiver still holds the request
            first.wait()
        hook.released.set()  # the held request ends, unanswered as far as the server knows
        seen_before_restart = len(hook.wait_for(hook.arrived))

        with serve(url, log_path):
            received = hook.wait_for(seen_before_restart + EVENTS, timeout=25)
            delivered = wait_until_delivered(database, timeout=5)

    after_restart = received[seen_before_restart:]
    assert all(r.verified for r in received)
    assert [r.webhook_id for r in after_restart] == ids  # the held one again, then in order
    assert all(r.body is not None and r.body["id"] == r.webhook_id for r in received)
    assert delivered == {"pending": 0, "delivered": EVENTS, "dead": 0}
    database.dispose()


def wait_until_delivered(database: Database, timeout: float) -> dict[str, int]:
    """The delivery counts once all are delivered (the server records each after its answer)."""
    deadline = time.monotonic() + timeout
    while True:
        with database.session() as session:
            counts = count_by_status(session)
        if counts["delivered"] == EVENTS or time.monotonic() > deadline:
            return counts
        time.sleep(0.05)
