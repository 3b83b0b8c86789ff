"""`rescan --nats`: a period's replay spread over the running workers, chunk by chunk, reports
exactly what the one-process rescan reports and writes nothing; no worker, or a chunk that
keeps failing, is said plainly. (The seeded conversations are invented and mild.)"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import nats
import orjson
import pytest
from nats.js.api import AckPolicy, ConsumerConfig

from childsafe.bench.rescan import until_workers_running
from childsafe.cli.main import main
from childsafe.policy import Policy
from childsafe.screening.rescan import Rescan, tracker_for
from childsafe.store.db import Database
from childsafe.streaming import rescan as rescan_module
from childsafe.streaming.layout import StreamLayout, ensure_rescan_stream, lease_bucket
from childsafe.streaming.leases import WORKERS
from childsafe.streaming.rescan import DistributedRescan, RescanFailed, RescanJob
from tests.helpers.rescan import SINCE, UNTIL, rows, save_eager_model, seed_history


@pytest.fixture
def eager_model(tmp_path: Path) -> Path:
    return save_eager_model(tmp_path)


@pytest.fixture
def history(database: Database, eager_model: Path) -> Database:
    return seed_history(database, eager_model)


def wait_for_workers(nats_url: str, layout: StreamLayout, count: int) -> None:
    """Until `count` workers have written their heartbeat."""
    asyncio.run(until_workers_running(nats_url, layout, count, timeout_s=30))


def left_in_rescan_stream(nats_url: str, layout: StreamLayout) -> int:
    async def count() -> int:
        nc = await nats.connect(nats_url)
        info = await nc.jetstream().stream_info(layout.rescan_stream)
        await nc.close()
        return int(info.state.messages)

    return asyncio.run(count())


def test_workers_report_what_one_process_reports(
    nats_url: str,
    layout: StreamLayout,
    history: Database,
    eager_model: Path,
    worker_thread: Any,
) -> None:
    worker_thread(worker_id="worker-a")
    worker_thread(worker_id="worker-b")
    wait_for_workers(nats_url, layout, 2)
    before = rows(history)
    for model in (None, eager_model):
        alone = Rescan(history, tracker_for(model), Policy.default(), SINCE, UNTIL)
        expected = [finding.document() for finding in alone.findings()]
        spread = DistributedRescan(
            nats_url, layout, history, SINCE, UNTIL, model_path=model, chunk_conversations=1
        )
        found = asyncio.run(spread.run())
        assert [finding.document() for finding in found] == expected
        assert spread.counts == alone.counts
        assert (spread.messages, spread.conversations, spread.skipped) == (
            alone.messages,
            alone.conversations,
            alone.skipped,
        )
        # One chunk per conversation, each replayed by one of the workers.
        assert sum(spread.workers.values()) == alone.conversations == 3
        assert set(spread.workers) <= {"worker-a", "worker-b"}
        assert not spread.failed
    assert rows(history) == before
    assert left_in_rescan_stream(nats_url, layout) == 0  # jobs and results all taken


def test_the_command_on_workers(
    nats_url: str,
    layout: StreamLayout,
    history: Database,
    db_url: str,
    worker_thread: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    arguments = ["rescan", "--since", SINCE.isoformat(), "--until", UNTIL.isoformat()]
    arguments += ["--json", "--database-url", db_url]
    assert main(arguments) == 0
    alone = json.loads(capsys.readouterr().out)
    spread_arguments = [*arguments, "--nats", nats_url, "--namespace", layout.namespace]
    with pytest.raises(SystemExit, match="no worker is running"):
        main(spread_arguments)
    worker_thread(worker_id="worker-c")
    wait_for_workers(nats_url, layout, 1)
    assert main(spread_arguments) == 0
    spread = json.loads(capsys.readouterr().out)
    assert spread["replayed"] == "on workers: worker-c (1 chunk)"
    assert alone["replayed"] == "in this process"
    for key in ("findings", "counts", "messages", "conversations", "skipped"):
        assert spread[key] == alone[key], key
    assert spread["failed"] == []


def test_a_chunk_that_keeps_failing_is_reported(
    nats_url: str, layout: StreamLayout, history: Database, worker_thread: Any, tmp_path: Path
) -> None:
    worker_thread(worker_id="worker-d", max_failures=2)
    wait_for_workers(nats_url, layout, 1)
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a model")  # uploaded as it is; no worker can load it
    spread = DistributedRescan(nats_url, layout, history, SINCE, UNTIL, model_path=broken)
    assert asyncio.run(spread.run()) == []
    [(conversations, error)] = spread.failed
    assert conversations == 3 and error
    assert spread.counts == {"new": 0, "same": 0, "no longer": 0}


def test_no_worker_is_said_plainly(nats_url: str, layout: StreamLayout, history: Database) -> None:
    spread = DistributedRescan(nats_url, layout, history, SINCE, UNTIL)
    with pytest.raises(RescanFailed, match=r"no worker is running.*start `childsafe worker`"):
        asyncio.run(spread.run())


def test_a_chunk_taken_by_a_worker_that_died_goes_to_another(
    nats_url: str, layout: StreamLayout, history: Database, worker_thread: Any
) -> None:
    """A worker takes the only chunk and dies without a word (its heartbeat stays until the
    lease TTL): after the ack wait JetStream hands the chunk to a live worker."""
    alone = Rescan(history, tracker_for(None), Policy.default(), SINCE, UNTIL)
    expected = [finding.document() for finding in alone.findings()]

    async def scenario() -> tuple[list[Any], float]:
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        leases = await lease_bucket(js, layout, 30.0)
        await leases.put(f"{WORKERS}.doomed", b"doomed")
        await ensure_rescan_stream(js, layout)
        doomed = await js.pull_subscribe(
            layout.all_rescan_jobs,
            durable=rescan_module.CONSUMER,
            stream=layout.rescan_stream,
            config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=2.0, max_deliver=-1),
        )
        spread = DistributedRescan(nats_url, layout, history, SINCE, UNTIL)
        running = asyncio.create_task(spread.run())
        [taken] = await doomed.fetch(1, timeout=10)  # and never acknowledged
        assert RescanJob.decode(taken.data).conversations == ["conv-groom", "conv-homework",
                                                              "conv-older"]  # fmt: skip
        await doomed.unsubscribe()
        started = time.monotonic()
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: worker_thread(worker_id="worker-e")
        )
        found = await asyncio.wait_for(running, 60)
        await nc.close()
        return [finding.document() for finding in found], time.monotonic() - started

    found, took = asyncio.run(scenario())
    assert found == expected
    assert took < 20


def test_pages_that_are_not_a_workers_are_ignored(
    nats_url: str, layout: StreamLayout, history: Database, worker_thread: Any
) -> None:
    """Anyone who may publish on the results subject can send junk: the rescan skips it and
    still reports exactly the one-process findings."""
    worker_thread(worker_id="worker-f")
    wait_for_workers(nats_url, layout, 1)
    alone = Rescan(history, tracker_for(None), Policy.default(), SINCE, UNTIL)
    expected = [finding.document() for finding in alone.findings()]
    spread = DistributedRescan(nats_url, layout, history, SINCE, UNTIL)
    junk = [
        b"not json",
        b"[]",
        orjson.dumps({"chunk": 7, "page": 0, "last": True}),  # no such chunk
        orjson.dumps({"chunk": 0, "page": "one", "last": False, "findings": []}),
        orjson.dumps(
            {"chunk": 0, "page": 0, "last": False, "worker": "x", "findings": [{"status": "x"}]}
        ),
    ]

    async def scenario() -> list[Any]:
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        await ensure_rescan_stream(js, layout)
        for data in junk:  # in the stream before the rescan's own pages
            await js.publish(layout.rescan_results(spread.job), data)
        await nc.close()
        return await spread.run()

    found = asyncio.run(scenario())
    assert [finding.document() for finding in found] == expected
    assert spread.counts == alone.counts and not spread.failed
