"""`childsafe worker`: screens the stream's partitions this worker holds a lease on.

One Batcher over one Screener (built as `serve` builds its own:
`runtime.messages.screening_batcher`) screens every partition the worker holds, so batches
from all of them commit together and one thread (or one child process) does the screening.
When a partition is released or its lease lost, the screener forgets its conversations'
detector state once the batch in hand is done: a conversation's state is in a worker's memory
only while that worker holds its partition, and a partition that comes back after another
worker screened it starts from the stored state. Beside its partitions, each worker takes
rescan chunks one at a time (`rescan.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Collection
from dataclasses import dataclass, field

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from childsafe.policy import Policy
from childsafe.runtime import metrics
from childsafe.runtime.messages import case_intake_worker, screening_batcher
from childsafe.screening import Batcher
from childsafe.screening.intake_worker import CaseIntakeWorker
from childsafe.store.db import Database
from childsafe.streaming.connection import connect_unless_stopped
from childsafe.streaming.layout import StreamLayout, ensure_streams, lease_bucket
from childsafe.streaming.leases import PartitionLeases
from childsafe.streaming.partition import PartitionConsumer
from childsafe.streaming.rescan import RescanConsumer

log = logging.getLogger("childsafe.streaming")

DEFAULT_LEASE_TTL_S = 5.0
DEFAULT_ACK_WAIT_S = 10.0
DEFAULT_MAX_FAILURES = 5
# A partition free for this many lease TTLs is adopted beyond the fair share (see leases.py).
ORPHAN_GRACE_TTLS = 2


@dataclass(frozen=True)
class WorkerOptions:
    nats_url: str
    layout: StreamLayout
    partitions: Collection[int]  # the partitions this worker may take
    separate_processes: bool = False  # a child process per held partition, or a thread
    lease_ttl_s: float = DEFAULT_LEASE_TTL_S
    ack_wait_s: float = DEFAULT_ACK_WAIT_S
    max_failures: int = DEFAULT_MAX_FAILURES
    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")


class Worker:
    def __init__(self, options: WorkerOptions, database: Database, policy: Policy) -> None:
        self.options = options
        self.database = database
        self.policy = policy
        self.consumers: dict[int, PartitionConsumer] = {}
        self.nc: NatsClient | None = None
        self._intake: CaseIntakeWorker | None = None
        self._batcher: Batcher | None = None
        self._stopping: set[asyncio.Task[None]] = set()  # partitions whose lease was lost

    @property
    def connected(self) -> bool:
        return self.nc is not None and self.nc.is_connected

    async def run(self, stop: asyncio.Event) -> None:
        """Hold and consume partitions until `stop` is set; then finish the batches in hand,
        release the leases and disconnect."""
        options = self.options
        nc = await connect_unless_stopped(options.nats_url, options.worker_id, stop)
        if nc is None:
            return
        self.nc = nc
        js = nc.jetstream()
        await ensure_streams(js, options.layout)
        leases = PartitionLeases(
            await lease_bucket(js, options.layout, options.lease_ttl_s),
            options.worker_id,
            options.partitions,
            options.layout.partitions,
        )
        self._intake = case_intake_worker(self.database, options.separate_processes)
        loop = asyncio.get_running_loop()
        self._batcher = await loop.run_in_executor(
            None,
            screening_batcher,
            self.database,
            self.policy,
            options.separate_processes,
            self._intake,
        )
        rescans = RescanConsumer(
            nc,
            js,
            options.layout,
            self.database,
            self.policy,
            worker_id=options.worker_id,
            ack_wait_s=options.ack_wait_s,
            max_failures=options.max_failures,
        )
        await rescans.start()
        log.info("worker %s started on %s", options.worker_id, options.nats_url)
        tick = options.lease_ttl_s / 5
        # Renewing never waits for a partition to start or stop (stopping one waits for its
        # batch in hand, which on a busy machine can outlast a short TTL).
        renewing = asyncio.create_task(self._keep_leases(leases, stop, tick))
        try:
            while not stop.is_set():
                try:
                    await self._rebalance(nc, js, leases)
                except Exception:  # NATS unreachable for a moment: the next tick retries
                    log.warning("rebalancing failed", exc_info=True)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), tick)
        finally:
            await renewing
            await rescans.stop()
            await asyncio.gather(*self._stopping)
            await asyncio.gather(*(self._stop(partition) for partition in list(self.consumers)))
            with contextlib.suppress(Exception):
                await leases.leave()
            await loop.run_in_executor(None, self._batcher.close)
            if self._intake is not None:  # after the screener: its alerts get cases too
                await loop.run_in_executor(None, self._intake.close)
            await nc.drain()
            log.info("worker %s stopped", options.worker_id)

    async def _keep_leases(self, leases: PartitionLeases, stop: asyncio.Event, tick: float) -> None:
        """Heartbeat and renew every tick; a partition whose lease was lost stops at once."""
        while not stop.is_set():
            try:
                await leases.heartbeat()
                for partition in await leases.renew():
                    log.warning("lease on partition %d lost; stopping it", partition)
                    stopping = asyncio.create_task(self._stop(partition))
                    self._stopping.add(stopping)
                    stopping.add_done_callback(self._stopping.discard)
            except Exception:  # NATS unreachable for a moment: the next tick retries
                log.warning("renewing the leases failed", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), tick)

    async def _rebalance(
        self, nc: NatsClient, js: JetStreamContext, leases: PartitionLeases
    ) -> None:
        share = await leases.fair_share()
        for partition in leases.surplus(share):
            await self._stop(partition)  # its batch acknowledged first
            await leases.release(partition)
            log.info("partition %d released (fair share %d)", partition, share)
        taken = await leases.acquire_free(share)
        adopted = await leases.adopt_orphans(ORPHAN_GRACE_TTLS * self.options.lease_ttl_s)
        for partition in taken + adopted:
            await self._start(nc, js, partition)
            log.info(
                "partition %d taken%s",
                partition,
                " beyond the fair share: nobody else took it" if partition in adopted else "",
            )
            if partition not in leases.held:  # lost while its consumer was starting
                await self._stop(partition)
        metrics.PARTITIONS_HELD.set(len(self.consumers))
        for partition, consumer in list(self.consumers.items()):
            metrics.CONSUMER_LAG.labels(str(partition)).set(await consumer.lag())

    async def _start(self, nc: NatsClient, js: JetStreamContext, partition: int) -> None:
        assert self._batcher is not None
        consumer = PartitionConsumer(
            nc,
            js,
            self.options.layout,
            partition,
            self._batcher,
            ack_wait_s=self.options.ack_wait_s,
            max_failures=self.options.max_failures,
        )
        await consumer.start()
        self.consumers[partition] = consumer

    async def _stop(self, partition: int) -> None:
        consumer = self.consumers.pop(partition, None)
        if consumer is not None:
            await consumer.stop()
            assert self._batcher is not None
            forgotten = self._batcher.forget_shard(partition, self.options.layout.partitions)
            await asyncio.wrap_future(forgotten)
            with contextlib.suppress(KeyError):  # no lag measured yet
                metrics.CONSUMER_LAG.remove(str(partition))
