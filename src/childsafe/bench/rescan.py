"""`childsafe bench rescan`: how fast a rescan replays stored history, in one process and
spread over 1..K `childsafe worker` processes, side by side in one run.

On a throwaway PostgreSQL database it stores `messages` invented everyday messages over
`conversations` conversations (bulk-inserted as the message path would have stored them),
then times the same period's rescan: first in this process (`screening.rescan.Rescan`), then
through `rescan --nats`'s DistributedRescan with 1, 2, ... workers on a stream of their own
(started and holding their heartbeat before the clock starts). Each run must report the same
messages and findings as the one-process rescan, or the bench fails.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import nats
from sqlalchemy import insert

from childsafe.bench.stream import (
    LOAD_START,
    READY_TIMEOUT_S,
    add_pairs,
    delete_layout,
    everyday_message,
    worker_processes,
)
from childsafe.policy import Policy
from childsafe.screening.rescan import Rescan, tracker_for
from childsafe.store.db import Database
from childsafe.store.tables.service import StoredMessage
from childsafe.streaming.layout import StreamLayout
from childsafe.streaming.leases import workers_running
from childsafe.streaming.rescan import DistributedRescan

INSERT_BLOCK = 10_000


def store_history(database: Database, messages: int, conversations: int) -> None:
    """`conversations` pairs of invented accounts and `messages` stored everyday messages
    among them, one a second from LOAD_START."""
    add_pairs(database, conversations)
    for start in range(0, messages, INSERT_BLOCK):
        rows = []
        for n in range(start, min(messages, start + INSERT_BLOCK)):
            message = everyday_message("r", n, conversations)
            rows.append(
                {
                    "id": message.id,
                    "conversation_id": message.conversation_id,
                    "sequence": n // conversations,
                    "sender_id": message.sender_id,
                    "recipient_ids": list(message.recipient_ids),
                    "text": message.text,
                    "sent_at": message.sent_at,
                    "verdict": "allow",
                    "response": {"verdict": "allow", "reasons": []},
                }
            )
        with database.session() as session:
            session.execute(insert(StoredMessage), rows)


def period(messages: int) -> tuple[Any, Any]:
    return LOAD_START, LOAD_START + timedelta(seconds=messages)


def in_this_process(database: Database, messages: int) -> tuple[dict[str, Any], list[Any]]:
    since, until = period(messages)
    rescan = Rescan(database, tracker_for(None), Policy.default(), since, until)
    started = time.perf_counter()
    findings = [finding.document() for finding in rescan.findings()]
    took = time.perf_counter() - started
    return _figures("this process", rescan.messages, len(findings), took), findings


def on_workers(
    nats_url: str,
    database_url: str,
    database: Database,
    messages: int,
    workers: int,
    expected: list[Any],
) -> dict[str, Any]:
    layout = StreamLayout(namespace=f"benchrescan{uuid.uuid4().hex[:8]}")
    since, until = period(messages)
    with (
        tempfile.TemporaryDirectory(prefix="childsafe-bench-rescan-") as folder,
        worker_processes(nats_url, database_url, layout, workers, "thread", Path(folder)),
    ):
        try:
            asyncio.run(until_workers_running(nats_url, layout, workers))
            rescan = DistributedRescan(nats_url, layout, database, since, until)
            started = time.perf_counter()
            findings = asyncio.run(rescan.run())
            took = time.perf_counter() - started
        finally:
            asyncio.run(delete_layout(nats_url, layout))
    if rescan.failed or [f.document() for f in findings] != expected:
        raise RuntimeError(f"the rescan on {workers} workers differs from this process's")
    figures = _figures(f"{workers} worker(s)", rescan.messages, len(findings), took)
    return figures | {"workers": workers, "chunks": sum(rescan.workers.values())}


def _figures(where: str, messages: int, findings: int, took: float) -> dict[str, Any]:
    return {
        "where": where,
        "messages": messages,
        "findings": findings,
        "seconds": round(took, 2),
        "msgs_per_s": round(messages / took),
    }


async def until_workers_running(
    nats_url: str, layout: StreamLayout, workers: int, timeout_s: float = READY_TIMEOUT_S
) -> None:
    """Until `workers` workers have written their heartbeat (RuntimeError after timeout_s)."""
    nc = await nats.connect(nats_url)
    deadline = time.monotonic() + timeout_s
    try:
        while await workers_running(nc.jetstream(), layout.lease_bucket) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError("the workers did not start in time")
            await asyncio.sleep(0.2)
    finally:
        await nc.close()
