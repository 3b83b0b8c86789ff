"""Rescans on the stream's workers: `childsafe rescan --nats URL` spreads a period over them.

The `rescan` command (the coordinator) cuts the period's conversations into chunks of whole
conversations (`screening.rescan.period_chunks`: at most CHUNK_MESSAGES messages or
CHUNK_CONVERSATIONS conversations each) and publishes each chunk as a job on
`<prefix>.rescan.jobs.<job>`, a work queue that every worker consumes through one shared
durable consumer (`rescan`), so JetStream hands each chunk to one worker at a time and gives it
to another if that worker dies (after the workers' `--ack-wait`; a worker replaying a long chunk
tells JetStream it is still busy). A model other than the shipped one is uploaded once to the object
store `<stream>_MODELS` under its SHA-256; workers fetch it (JetStream checks the digest) and
keep the last few loaded.

A worker replays its chunk with `screening.rescan.Rescan` (the same replay as the one-process
rescan, writing nothing) and publishes the findings on `<prefix>.rescan.results.<job>`, in pages
of FINDINGS_PER_PAGE; the chunk's last page carries its counts. Only then is the job
acknowledged. A chunk delivered again after a crash is replayed again: the pages have the same
`Nats-Msg-Id` and the same content, and the coordinator keeps one of each. A chunk that fails
`max_failures` times is reported as failed with its error, and the rescan says so.

The coordinator puts the chunks back in the period's order, so its report reads exactly like
the one-process rescan's.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, ObjectStoreConfig, StorageType
from nats.js.errors import BucketNotFoundError
from nats.js.object_store import ObjectStore

from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.screening.rescan import (
    STATUSES,
    Rescan,
    RescanFinding,
    period_chunks,
)
from childsafe.signals.grooming import MODEL_PATH, GroomingModel
from childsafe.store.db import Database
from childsafe.streaming.connection import connect
from childsafe.streaming.layout import RESCANS_KEPT_S, StreamLayout, ensure_rescan_stream
from childsafe.streaming.leases import workers_running
from childsafe.streaming.wire import error_text

log = logging.getLogger("childsafe.streaming")

CHUNK_MESSAGES = 5_000
CHUNK_CONVERSATIONS = 1_000
FINDINGS_PER_PAGE = 200
FETCH_WAIT_S = 0.5
RETRY_DELAY_S = 1.0
MODELS_KEPT = 3  # loaded models a worker keeps (each rescan names one)
CONSUMER = "rescan"
SHIPPED = "shipped"


class RescanFailed(RuntimeError):
    """The rescan could not be spread over workers (none running, or none answering)."""


@dataclass(frozen=True, slots=True)
class RescanJob:
    """One chunk of a rescan: whole conversations of the period, replayed through a model."""

    job: str
    chunk: int
    since: datetime
    until: datetime
    model: str  # the model's SHA-256 in the models bucket, or SHIPPED
    conversations: list[str]

    def encode(self) -> bytes:
        return orjson.dumps(self)

    @classmethod
    def decode(cls, data: bytes) -> RescanJob:
        raw = orjson.loads(data)
        return cls(
            raw["job"],
            int(raw["chunk"]),
            datetime.fromisoformat(raw["since"]),
            datetime.fromisoformat(raw["until"]),
            raw["model"],
            [str(c) for c in raw["conversations"]],
        )


async def ensure_models_bucket(js: JetStreamContext, layout: StreamLayout) -> ObjectStore:
    try:
        return await js.object_store(layout.models_bucket)
    except BucketNotFoundError:
        return await js.create_object_store(
            layout.models_bucket, ObjectStoreConfig(storage=StorageType.FILE)
        )


class RescanConsumer:
    """A worker's share of rescans: one chunk at a time, beside its partitions."""

    def __init__(
        self,
        nc: NatsClient,
        js: JetStreamContext,
        layout: StreamLayout,
        database: Database,
        policy: Policy,
        *,
        worker_id: str,
        ack_wait_s: float,
        max_failures: int,
    ) -> None:
        self.nc = nc
        self.js = js
        self.layout = layout
        self.database = database
        self.policy = policy
        self.worker_id = worker_id
        self.ack_wait_s = ack_wait_s
        self.max_failures = max_failures
        self._models: dict[str, GroomingModel] = {}
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._subscription: JetStreamContext.PullSubscription | None = None

    async def start(self) -> None:
        await ensure_rescan_stream(self.js, self.layout)
        self._subscription = await self.js.pull_subscribe(
            self.layout.all_rescan_jobs,
            durable=CONSUMER,
            stream=self.layout.rescan_stream,
            config=ConsumerConfig(
                ack_policy=AckPolicy.EXPLICIT,
                ack_wait=self.ack_wait_s,
                max_deliver=-1,  # failures are ours to report, with the error
            ),
        )
        self._task = asyncio.create_task(self._run(), name="rescan")

    async def stop(self) -> None:
        """Finish the chunk in hand (its findings published, acknowledged), then stop."""
        self._stopping = True
        if self._task is not None:
            await self._task
        if self._subscription is not None:
            with contextlib.suppress(Exception):
                await self._subscription.unsubscribe()

    async def _run(self) -> None:
        assert self._subscription is not None
        while not self._stopping:
            try:
                fetched = await self._subscription.fetch(1, timeout=FETCH_WAIT_S)
            except TimeoutError:
                continue
            except Exception:  # disconnected, or the server restarting: try again shortly
                log.warning("rescan: fetch failed", exc_info=True)
                await asyncio.sleep(RETRY_DELAY_S)
                continue
            for msg in fetched:
                await self.handle(msg)

    async def handle(self, msg: Msg) -> None:
        try:
            job = RescanJob.decode(msg.data)
        except (ValueError, KeyError, TypeError):  # no job to report to: dropped, logged
            log.warning("rescan: not a rescan job on %s; dropped", msg.subject)
            await msg.term()
            return
        try:
            model = await self._model(job.model)
            findings, done = await self._replay(msg, job, model)
        except Exception as error:
            if msg.metadata.num_delivered < self.max_failures:
                log.warning(
                    "rescan %s chunk %d failed; retrying", job.job, job.chunk, exc_info=True
                )
                await msg.nak(delay=RETRY_DELAY_S)
                return
            log.error("rescan %s chunk %d failed for good: %s", job.job, job.chunk, error)
            await self._publish(job, "error", {"last": True, "error": error_text(error)})
            await msg.ack()
            return
        pages = [
            findings[start : start + FINDINGS_PER_PAGE]
            for start in range(0, len(findings), FINDINGS_PER_PAGE)
        ] or [[]]
        for number, page in enumerate(pages):
            last = number == len(pages) - 1
            document: dict[str, Any] = {"page": number, "last": last, "findings": page}
            if last:
                document |= {
                    "pages": len(pages),
                    "messages": done.messages,
                    "conversations": done.conversations,
                    "skipped": done.skipped,
                }
            await self._publish(job, str(number), document)
        await msg.ack()

    async def _replay(
        self, msg: Msg, job: RescanJob, model: GroomingModel
    ) -> tuple[list[dict[str, Any]], Rescan]:
        rescan = Rescan(
            self.database,
            RiskTracker.with_model(model),
            self.policy,
            job.since,
            job.until,
            only=job.conversations,
        )

        def replay() -> list[dict[str, Any]]:
            return [finding.document() for finding in rescan.findings()]

        replaying = asyncio.get_running_loop().run_in_executor(None, replay)
        while True:
            done, _ = await asyncio.wait({replaying}, timeout=self.ack_wait_s / 3)
            if done:
                return replaying.result(), rescan
            await msg.in_progress()  # a long chunk: not to be given to another worker

    async def _model(self, digest: str) -> GroomingModel:
        model = self._models.get(digest)
        if model is None:
            if digest == SHIPPED:
                model = GroomingModel.load(MODEL_PATH)
            else:
                store = await self.js.object_store(self.layout.models_bucket)
                fetched = await store.get(digest)  # nats-py checks its SHA-256
                model = GroomingModel.load(io.BytesIO(fetched.data or b""))
            while len(self._models) >= MODELS_KEPT:
                self._models.pop(next(iter(self._models)))
            self._models[digest] = model
        return model

    async def _publish(self, job: RescanJob, part: str, document: dict[str, Any]) -> None:
        await self.js.publish(
            self.layout.rescan_results(job.job),
            orjson.dumps({"chunk": job.chunk, "worker": self.worker_id, **document}),
            headers={"Nats-Msg-Id": f"{job.job}:{job.chunk}:{part}"},
        )


@dataclass(slots=True)
class _Chunk:
    conversations: int
    pages: dict[int, list[RescanFinding]] = field(default_factory=dict)
    total_pages: int | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.error is not None or (
            self.total_pages is not None and len(self.pages) == self.total_pages
        )


@dataclass(slots=True)
class DistributedRescan:
    """One rescan of [since, until) spread over the running workers; `run()` returns the
    findings in the period's order, then the counts read as `Rescan`'s do."""

    nats_url: str
    layout: StreamLayout
    database: Database
    since: datetime
    until: datetime
    model_path: Path | None = None
    # Give up when no chunk has finished for this long (the workers are gone or stuck).
    stall_timeout_s: float = 300.0
    progress: Callable[[int, int], None] | None = None
    chunk_messages: int = CHUNK_MESSAGES
    chunk_conversations: int = CHUNK_CONVERSATIONS
    job: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    messages: int = 0
    conversations: int = 0
    skipped: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    # Chunks replayed, by worker id.
    workers: Counter[str] = field(default_factory=Counter)
    # Chunks that failed for good: (their conversations, the error).
    failed: list[tuple[int, str]] = field(default_factory=list)

    async def run(self) -> list[RescanFinding]:
        nc = await connect(self.nats_url, f"rescan-{self.job}", retry_for_ever=False)
        js = nc.jetstream()
        try:
            await self._need_workers(js)
            await ensure_rescan_stream(js, self.layout)
            model = await self._upload_model(js)
            results = await js.pull_subscribe(
                self.layout.rescan_results(self.job),
                durable=f"results-{self.job}",
                stream=self.layout.rescan_stream,
                # Removed by the server if this process dies without deleting it.
                config=ConsumerConfig(
                    ack_policy=AckPolicy.EXPLICIT, inactive_threshold=RESCANS_KEPT_S
                ),
            )
            try:
                chunks = await self._publish_chunks(js, model)
                await self._collect(results, chunks)
            finally:
                with contextlib.suppress(Exception):
                    await js.purge_stream(
                        self.layout.rescan_stream, subject=self.layout.rescan_jobs(self.job)
                    )
                with contextlib.suppress(Exception):
                    await js.delete_consumer(self.layout.rescan_stream, f"results-{self.job}")
        finally:
            await nc.close()
        findings: list[RescanFinding] = []
        for chunk in chunks:
            if chunk.error is None:
                for number in sorted(chunk.pages):
                    findings.extend(chunk.pages[number])
        for finding in findings:
            self.counts[finding.status] += 1
        return findings

    async def _need_workers(self, js: JetStreamContext) -> None:
        if not await workers_running(js, self.layout.lease_bucket):
            raise RescanFailed(
                f"no worker is running on {self.nats_url}"
                + (f" (namespace {self.layout.namespace})" if self.layout.namespace else "")
                + ": start `childsafe worker`, or rescan in this process without --nats"
            )

    async def _upload_model(self, js: JetStreamContext) -> str:
        if self.model_path is None:
            return SHIPPED
        data = self.model_path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        store = await ensure_models_bucket(js, self.layout)
        await store.put(digest, data)
        return digest

    async def _publish_chunks(self, js: JetStreamContext, model: str) -> list[_Chunk]:
        planned = period_chunks(
            self.database,
            self.since,
            self.until,
            max_messages=self.chunk_messages,
            max_conversations=self.chunk_conversations,
        )
        chunks = []
        for number, (conversations, _) in enumerate(planned):
            job = RescanJob(self.job, number, self.since, self.until, model, conversations)
            await js.publish(
                self.layout.rescan_jobs(self.job),
                job.encode(),
                headers={"Nats-Msg-Id": f"{self.job}:{number}:job"},
            )
            chunks.append(_Chunk(len(conversations)))
        return chunks

    async def _collect(
        self, results: JetStreamContext.PullSubscription, chunks: list[_Chunk]
    ) -> None:
        waiting = sum(1 for chunk in chunks if not chunk.finished)
        heard = time.monotonic()
        while waiting:
            try:
                fetched = await results.fetch(64, timeout=FETCH_WAIT_S)
            except TimeoutError:
                fetched = []
            for msg in fetched:
                await msg.ack()
                try:
                    page = _read_page(msg.data, len(chunks))
                except (ValueError, KeyError, TypeError):
                    # Not a worker's page (anyone may publish on the subject): the chunk's
                    # real pages still come, or the stall timeout says so.
                    log.warning("rescan %s: not a findings page; ignored", self.job)
                    continue
                chunk = chunks[page["chunk"]]
                if not chunk.finished:
                    self._take(chunk, page)
                    if chunk.finished:
                        waiting -= 1
                        heard = time.monotonic()
            if waiting and time.monotonic() - heard > self.stall_timeout_s:
                raise RescanFailed(
                    f"no chunk finished for {self.stall_timeout_s:g} s, {waiting} of "
                    f"{len(chunks)} still waiting: are the workers running?"
                )

    def _take(self, chunk: _Chunk, page: dict[str, Any]) -> None:
        if page.get("error") is not None:
            chunk.error = page["error"]
            self.failed.append((chunk.conversations, chunk.error))
            return
        chunk.pages.setdefault(page["page"], page["findings"])  # RescanFindings by now
        if page["last"]:
            chunk.total_pages = page["pages"]
            self.messages += page["messages"]
            self.conversations += page["conversations"]
            self.skipped += page["skipped"]
            self.workers[page["worker"]] += 1
            if self.progress is not None:
                self.progress(self.messages, self.conversations)


def _read_page(data: bytes, chunks: int) -> dict[str, Any]:
    """A worker's findings page, checked whole before it counts (its findings parsed);
    ValueError, KeyError or TypeError for anything else."""
    page = orjson.loads(data)
    if not 0 <= page["chunk"] < chunks:
        raise ValueError(f"no chunk {page['chunk']}")
    if page.get("error") is not None:
        return {"chunk": page["chunk"], "error": str(page["error"])}
    numbers = (
        ("page", "pages", "messages", "conversations", "skipped") if page["last"] else ("page",)
    )
    if not all(isinstance(page[name], int) for name in numbers):
        raise TypeError("a page's numbers are whole numbers")
    return page | {
        "worker": str(page["worker"]),
        "findings": [RescanFinding.from_document(found) for found in page["findings"]],
    }
