"""A worker limited by --partitions still counts in every fair share, so it can leave
partitions that no share covers: after a grace of two lease TTLs a worker allowed to take
them adopts them, and keeps them steadily (no flapping) while the workers stay the same."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import nats

from childsafe.streaming.layout import StreamLayout, lease_bucket
from childsafe.streaming.leases import lease_holders

TTL_S = 1.0


def holders(nats_url: str, layout: StreamLayout) -> list[str]:
    async def read() -> list[str]:
        nc = await nats.connect(nats_url)
        held = await lease_holders(
            await lease_bucket(nc.jetstream(), layout, TTL_S), layout.partitions
        )
        await nc.close()
        return held

    return asyncio.run(read())


def test_partitions_no_share_covers_are_adopted_and_kept(
    nats_url: str, layout: StreamLayout, worker_thread: Any
) -> None:
    # The limited worker first: it takes partition 0, and the other's share is then 2 of 4.
    worker_thread(worker_id="limited", partitions=[0], lease_ttl_s=TTL_S)
    worker_thread(worker_id="open", lease_ttl_s=TTL_S)
    # Eventually every partition is held, and stays with the same holder (no flapping).
    deadline = time.monotonic() + 40
    steady_since, last = time.monotonic(), holders(nats_url, layout)
    while "" in last or time.monotonic() - steady_since < 3 * TTL_S:
        assert time.monotonic() < deadline, last
        time.sleep(0.2)
        held = holders(nats_url, layout)
        if held != last:
            steady_since, last = time.monotonic(), held
    assert set(last) <= {"limited", "open"}
    assert all(holder == "open" for partition, holder in enumerate(last) if partition)
