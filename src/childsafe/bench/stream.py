"""`childsafe bench stream`: end-to-end rate and latency through NATS JetStream workers.

For each worker count (1, then 2, ... up to --workers) it makes a stream of its own (a
random namespace, deleted afterwards) on a throwaway PostgreSQL database, starts that many
`childsafe worker` processes and waits until they hold fair shares of the partitions. Then a
closed-loop publisher in this process keeps `in_flight` messages outstanding: each message is
published (acknowledged by the stream) and counted done when its verdict arrives on
`<prefix>.verdicts.>`, which a worker sends only after the batch committed, so the latency is
publish -> verdict stored. Rate and p50/p99 cover the measured seconds after a warm-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import nats
import orjson
from sqlalchemy import insert

from childsafe.bench.api import TEXTS, cpu_seconds, family, peak_rss_mb
from childsafe.bench.population import Population
from childsafe.screening import IncomingMessage
from childsafe.store.db import Database
from childsafe.store.tables.service import Account, Connection
from childsafe.streaming.layout import (
    StreamLayout,
    delete_streams,
    ensure_streams,
    lease_bucket,
    partition_of,
)
from childsafe.streaming.leases import lease_holders
from childsafe.streaming.publisher import publish_message

WORKER_COMMAND = [sys.executable, "-m", "childsafe.cli.main", "worker"]
READY_TIMEOUT_S = 120.0
LOAD_START = datetime(2026, 11, 23, tzinfo=UTC)
PUBLISHERS = 16  # concurrent publishing coroutines (each awaits its stream acknowledgement)


@dataclass(frozen=True)
class StreamBench:
    nats_url: str
    database_url: str
    workers: int
    partitions: int
    seconds: float
    warmup_seconds: float
    in_flight: int
    population: Population
    screening: str


def add_pairs(
    database: Database, pairs: int, *, adult_every: int = 4, unconnected_every: int = 10
) -> None:
    """Invented accounts in pairs: u<i>a, an adult every `adult_every` pairs (else 16-17), and
    u<i>b, 13-15; connected, except every `unconnected_every`-th pair (0: all connected)."""
    now = datetime.now(UTC)
    with database.session() as session:
        session.execute(
            insert(Account),
            [
                {"id": f"u{i}{side}", "age_band": band, "created_at": now, "updated_at": now}
                for i in range(pairs)
                for side, band in (("a", "16_17" if i % adult_every else "adult"), ("b", "13_15"))
            ],
        )
        session.execute(
            insert(Connection),
            [
                {"account_a": f"u{i}a", "account_b": f"u{i}b"}
                for i in range(pairs)
                if not unconnected_every or i % unconnected_every
            ],
        )


def everyday_message(prefix: str, n: int, pairs: int) -> IncomingMessage:
    """Message n of a steady everyday load among `add_pairs`' accounts: in conversation
    conv<n % pairs>, its two accounts taking turns."""
    pair = n % pairs
    members = (f"u{pair}a", f"u{pair}b")
    return _everyday(prefix, n, f"conv{pair}", *(members if n % 2 else members[::-1]))


def population_message(
    prefix: str, n: int, population: Population, conversation: int
) -> IncomingMessage:
    """Message n of the load over a Population: in `conversation`, its two members taking
    turns."""
    members = population.members(conversation)
    return _everyday(
        prefix,
        n,
        population.conversation(conversation),
        *(members if n % 2 else members[::-1]),
    )


def _everyday(
    prefix: str, n: int, conversation: str, sender: str, recipient: str
) -> IncomingMessage:
    """An invented everyday line: id `<prefix>-<n>`, a second after message n - 1."""
    return IncomingMessage(
        id=f"{prefix}-{n}",
        conversation_id=conversation,
        sender_id=sender,
        recipient_ids=(recipient,),
        text=TEXTS[n % len(TEXTS)],
        sent_at=LOAD_START + timedelta(seconds=n),
    )


def bench_workers(options: StreamBench) -> dict[str, Any]:
    """One run with options.workers workers on a stream of its own."""
    layout = StreamLayout(namespace=f"bench{uuid.uuid4().hex[:8]}", partitions=options.partitions)
    with (
        tempfile.TemporaryDirectory(prefix="childsafe-bench-stream-") as folder,
        worker_processes(
            options.nats_url,
            options.database_url,
            layout,
            options.workers,
            options.screening,
            Path(folder),
        ) as pids,
    ):
        try:
            return asyncio.run(_measure(options, layout, pids))
        except RuntimeError as error:
            logs = "\n".join(
                log.read_text(errors="replace")[-1500:] for log in Path(folder).iterdir()
            )
            raise RuntimeError(f"{error}; the workers' logs end:\n{logs}") from None
        finally:
            asyncio.run(delete_layout(options.nats_url, layout))


@contextlib.contextmanager
def worker_processes(
    nats_url: str,
    database_url: str,
    layout: StreamLayout,
    count: int,
    screening: str,
    folder: Path,
) -> Iterator[list[int]]:
    """`count` `childsafe worker` processes (logs in `folder`), terminated afterwards."""
    processes = []
    try:
        for n in range(count):
            log = (folder / f"worker{n}.log").open("wb")
            processes.append(
                subprocess.Popen(
                    [
                        *WORKER_COMMAND,
                        *("--nats", nats_url, "--database-url", database_url),
                        *("--namespace", layout.namespace, "--screening", screening),
                        *("--partition-count", str(layout.partitions)),
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        yield [process.pid for process in processes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


async def delete_layout(nats_url: str, layout: StreamLayout) -> None:
    """Remove a bench run's streams and buckets."""
    nc = await nats.connect(nats_url)
    await delete_streams(nc.jetstream(), layout)
    await nc.close()


async def _measure(options: StreamBench, layout: StreamLayout, pids: list[int]) -> dict[str, Any]:
    nc = await nats.connect(options.nats_url)
    js = nc.jetstream()
    await ensure_streams(js, layout)
    await _until_fair_shares(js, layout, options.workers)
    published: dict[str, float] = {}
    latencies: list[tuple[float, float]] = []  # (verdict time, seconds since publish)
    slots = asyncio.Semaphore(options.in_flight)

    async def on_verdict(msg: Any) -> None:
        sent = published.pop(orjson.loads(msg.data)["message_id"], None)
        if sent is not None:
            now = time.perf_counter()
            latencies.append((now, now - sent))
            slots.release()

    await nc.subscribe(layout.all_verdicts, cb=on_verdict)
    run = uuid.uuid4().hex[:6]
    await _until_every_partition_answers(js, layout, options.population, run, published, slots)
    sequence = iter(range(1 << 62))
    draw = options.population.sampler(seed=int(run, 16))
    began = time.perf_counter()
    measured_from = began + options.warmup_seconds
    until = measured_from + options.seconds

    async def publisher() -> None:
        while time.perf_counter() < until:
            await slots.acquire()
            message = population_message(f"s{run}", next(sequence), options.population, draw())
            published[message.id] = time.perf_counter()
            await publish_message(js, layout, message)

    cpu_before = sum(cpu_seconds(pid) for pid in pids)
    await asyncio.gather(*(publisher() for _ in range(PUBLISHERS)))
    worker_cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
    # A worker's memory is its own and its screening child's (--screening process).
    peak_mb = max(sum(peak_rss_mb(member) for member in family(pid)) for pid in pids)
    await nc.close()
    measured = [(at, latency) for at, latency in latencies if measured_from <= at < until]
    if not measured:
        raise RuntimeError("no verdict arrived in the measured seconds")
    window = sorted(latency for _, latency in measured)
    # A stall (a checkpoint, a long pause) shows as a second with few verdicts.
    per_second = [0] * max(1, int(options.seconds))
    for at, _ in measured:
        per_second[min(len(per_second) - 1, int(at - measured_from))] += 1
    done = max(1, len(latencies))

    def percentile(q: float) -> float:
        return round(1000 * window[min(len(window) - 1, int(q * len(window)))], 1)

    return {
        "workers": options.workers,
        "msgs_per_s": round(len(window) / options.seconds),
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "max_ms": round(1000 * window[-1], 1),
        "slowest_second_msgs": min(per_second),
        "messages": len(window),
        "worker_cpu_ms_per_msg": round(1000 * worker_cpu / done, 3),
        "worker_peak_rss_mb": round(peak_mb, 1),
    }


async def _until_every_partition_answers(
    js: Any,
    layout: StreamLayout,
    population: Population,
    run: str,
    published: dict[str, float],
    slots: asyncio.Semaphore,
) -> None:
    """A message to each partition, answered: every held partition's screener is running."""
    probes: dict[int, int] = {}  # partition -> a conversation that lands there
    for conversation in range(population.conversations):
        name = population.conversation(conversation)
        probes.setdefault(partition_of(name, layout.partitions), conversation)
        if len(probes) == layout.partitions:
            break
    for conversation in probes.values():
        message = population_message(f"s{run}-probe", conversation, population, conversation)
        await slots.acquire()  # released by its verdict
        published[message.id] = time.perf_counter()
        await publish_message(js, layout, message)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while any(f"s{run}-probe-{c}" in published for c in probes.values()):
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not answer on every partition in time")
        await asyncio.sleep(0.1)


async def _until_fair_shares(js: Any, layout: StreamLayout, workers: int) -> None:
    """Every partition held, by `workers` distinct workers with near-equal shares."""
    bucket = await lease_bucket(js, layout, 5.0)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        held = await lease_holders(bucket, layout.partitions)
        counts = sorted(held.count(holder) for holder in set(held))
        if "" not in held and len(counts) == workers and counts[-1] - counts[0] <= 1:
            return
        await asyncio.sleep(0.2)
    raise RuntimeError("the workers did not take the partitions in time")
