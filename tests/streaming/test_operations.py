"""The operations port: /healthz, /readyz (database and NATS) and /metrics counting what a
worker screened and dead-lettered. (Invented, mild test messages.)"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import nats
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from childsafe.runtime.operations import operations_app
from childsafe.store.db import Database
from childsafe.streaming.layout import StreamLayout, ensure_streams
from childsafe.streaming.publisher import publish_message
from tests.helpers.api import grooming
from tests.streaming.conftest import add_accounts


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_health_readiness_and_metrics(
    nats_url: str, layout: StreamLayout, database: Database, worker_thread: Any
) -> None:
    add_accounts(database, 1)
    worker = worker_thread().worker
    client = TestClient(operations_app(database, lambda: worker.connected))
    assert client.get("/healthz").json() == {"status": "ok"}
    before = _samples(client.get("/metrics").text)
    messages = grooming("ops-chat", 0)

    async def publish() -> None:
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        await ensure_streams(js, layout)
        for message in messages:
            await publish_message(js, layout, message)
        await js.publish(layout.inbound(0), b"not json", headers={"Nats-Msg-Id": "ops-bad"})
        await nc.close()

    asyncio.run(publish())
    screened = ("childsafe_messages_screened_total", (("path", "stream"),))
    deadline = time.monotonic() + 20
    while True:
        after = _samples(client.get("/metrics").text)
        if after.get(screened, 0) - before.get(screened, 0) >= len(messages):
            break
        assert time.monotonic() < deadline, after
        time.sleep(0.1)
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {
        "ready": True,
        "database": True,
        "nats": True,
    }
    assert after[screened] - before.get(screened, 0) == len(messages)
    assert after[("childsafe_alerts_total", ())] > before.get(("childsafe_alerts_total", ()), 0)
    assert after[("childsafe_partitions_held", ())] == layout.partitions
    assert ("childsafe_screening_batch_seconds_count", (("path", "stream"),)) in after
    dead = ("childsafe_dead_letters_total", (("partition", "0"),))
    deadline = time.monotonic() + 10
    while _samples(client.get("/metrics").text).get(dead, 0) <= before.get(dead, 0):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    # Not ready without NATS.
    offline = TestClient(operations_app(database, lambda: False)).get("/readyz")
    assert offline.status_code == 503 and offline.json()["nats"] is False
