"""A stream layout of its own per test on the real NATS server (a random namespace, deleted
afterwards), accounts to screen messages of, and a worker run in a thread of the test."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator

import nats
import pytest

from childsafe.bench.stream import add_pairs
from childsafe.policy import Policy
from childsafe.store.db import Database
from childsafe.streaming.layout import StreamLayout, delete_streams
from childsafe.streaming.worker import Worker, WorkerOptions


@pytest.fixture
def layout(nats_url: str) -> Iterator[StreamLayout]:
    chosen = StreamLayout(namespace=f"t{uuid.uuid4().hex[:10]}", partitions=4)
    yield chosen

    async def clean() -> None:
        nc = await nats.connect(nats_url)
        await delete_streams(nc.jetstream(), chosen)
        await nc.close()

    asyncio.run(clean())


def add_accounts(database: Database, pairs: int) -> None:
    """Pairs u<i>a (adult) and u<i>b (13-15), connected: invented test accounts."""
    add_pairs(database, pairs, adult_every=1, unconnected_every=0)


class WorkerThread:
    """A Worker on its own event loop in a thread (stopped cleanly by `stop`)."""

    def __init__(self, nats_url: str, layout: StreamLayout, database: Database, **options):
        self.worker = Worker(
            WorkerOptions(
                nats_url=nats_url,
                layout=layout,
                **{
                    "partitions": range(layout.partitions),
                    "separate_processes": False,
                    "lease_ttl_s": 5.0,
                    **options,
                },
            ),
            database,
            Policy.default(),
        )
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._loop.run_until_complete(self.worker.run(self._stop))
        except BaseException as error:
            self.error = error

    def start(self) -> WorkerThread:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)
        assert not self._thread.is_alive()
        assert self.error is None, self.error


@pytest.fixture
def worker_thread(nats_url: str, layout: StreamLayout, database: Database) -> Iterator[type]:
    started: list[WorkerThread] = []

    def start(**options) -> WorkerThread:
        thread = WorkerThread(nats_url, layout, database, **options).start()
        started.append(thread)
        return thread

    yield start  # type: ignore[misc]
    for thread in started:
        thread.stop()
