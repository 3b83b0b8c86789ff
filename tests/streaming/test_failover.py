"""SIGKILL one of two worker processes mid-run: every message the stream acknowledged is
stored, none is screened twice, and the survivor holds all partitions within 10 s.
(PostgreSQL: the shared store of a real deployment; the messages are invented and mild.)"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import nats
import pytest
from nats.js.kv import KeyValue
from sqlalchemy import create_engine, text

from childsafe.bench.stream import everyday_message
from childsafe.store.db import Database
from childsafe.streaming.layout import StreamLayout, ensure_streams, lease_bucket
from childsafe.streaming.leases import lease_holders
from childsafe.streaming.publisher import publish_message
from tests.streaming.conftest import add_accounts

pytestmark = pytest.mark.postgres

PAIRS = 40
MESSAGES = 1600
RATE = 400  # messages/s published
KILL_AFTER = 500  # messages published before the kill
LEASE_TTL_S = 2.0
TAKEOVER_LIMIT_S = 10.0
START_S = 120.0  # two workers starting at once on a busy two-core machine


@pytest.fixture
def shared_database(postgres_url: str) -> Iterator[Database]:
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    database = Database(postgres_url)
    database.migrate()
    yield database
    database.dispose()


def _worker(url: str, nats_url: str, layout: StreamLayout, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "childsafe.cli.main", "worker", "--nats", nats_url]
    command += ["--database-url", url, "--namespace", layout.namespace, "--screening", "thread"]
    command += ["--lease-ttl", str(LEASE_TTL_S), "--ack-wait", "3"]
    return subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def test_sigkill_one_of_two_workers(
    nats_url: str, layout: StreamLayout, shared_database: Database, tmp_path: Path
) -> None:
    add_accounts(shared_database, PAIRS)
    url = shared_database.url
    workers = [_worker(url, nats_url, layout, tmp_path / f"worker{i}.log") for i in range(2)]
    try:
        takeover_s = asyncio.run(_run(nats_url, layout, workers))
        _wait_stored(shared_database, MESSAGES)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=30)
        logs = "\n".join(p.read_text(errors="replace")[-3000:] for p in tmp_path.glob("*.log"))
        print(logs)  # shown when the test fails
    assert takeover_s <= TAKEOVER_LIMIT_S, logs
    with shared_database.engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*), count(DISTINCT id) FROM messages")).one()
        # Each conversation's detector saw each message once: sequence numbers without
        # repeats or gaps, and the saved state counted exactly the stored messages.
        per_conversation = conn.execute(
            text(
                "SELECT m.conversation_id, count(*), count(DISTINCT m.sequence),"
                " max(m.sequence) - min(m.sequence) + 1, s.message_count"
                " FROM messages m JOIN conversation_state s USING (conversation_id)"
                " GROUP BY m.conversation_id, s.message_count"
            )
        ).all()
    assert tuple(stored) == (MESSAGES, MESSAGES), logs
    assert len(per_conversation) == PAIRS
    for conversation, count, distinct, span, state_count in per_conversation:
        assert count == distinct == span == state_count, conversation


async def _run(
    nats_url: str, layout: StreamLayout, workers: list[subprocess.Popen[bytes]]
) -> float:
    """Publish at a steady rate, SIGKILL the first worker part-way; the seconds until the
    second held every partition."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await ensure_streams(js, layout)
    bucket = await lease_bucket(js, layout, LEASE_TTL_S)
    victim, survivor = (_worker_id(worker) for worker in workers)
    # Fair shares: two partitions each, once the first to start has released two.
    await _holders_when(
        bucket, layout, lambda held: held.count(victim) == held.count(survivor) == 2, START_S
    )
    takeover: asyncio.Task[float] | None = None
    began = time.monotonic()
    for n in range(MESSAGES):
        message = everyday_message("fail", n, PAIRS)
        await publish_message(js, layout, message)  # acknowledged: stored by the stream
        if n == KILL_AFTER:
            os.kill(workers[0].pid, signal.SIGKILL)
            takeover = asyncio.create_task(_seconds_until_sole(bucket, layout, survivor))
        await asyncio.sleep(max(0.0, began + (n + 1) / RATE - time.monotonic()))
    assert takeover is not None
    takeover_s = await takeover
    await nc.close()
    return takeover_s


def _worker_id(worker: subprocess.Popen[bytes]) -> str:
    return f"{socket.gethostname()}-{worker.pid}"


async def _seconds_until_sole(bucket: KeyValue, layout: StreamLayout, survivor: str) -> float:
    killed_at = time.monotonic()
    await _holders_when(
        bucket, layout, lambda held: held == [survivor] * layout.partitions, TAKEOVER_LIMIT_S + 5
    )
    return time.monotonic() - killed_at


async def _holders_when(
    bucket: KeyValue, layout: StreamLayout, done: Callable[[list[str]], bool], timeout: float
) -> list[str]:
    """Each partition's lease holder ('' when free), once `done` says so."""
    deadline = time.monotonic() + timeout
    while True:
        held = await lease_holders(bucket, layout.partitions)
        if done(held):
            return held
        assert time.monotonic() < deadline, held
        await asyncio.sleep(0.1)


def _wait_stored(database: Database, expected: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with database.engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM messages")).scalar_one()
        if stored >= expected or time.monotonic() > deadline:
            return
        time.sleep(0.2)
