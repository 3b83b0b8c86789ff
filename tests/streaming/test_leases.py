"""Partition leases on the real NATS server: what a worker counts while others write."""

from __future__ import annotations

import asyncio

import nats

from childsafe.streaming.layout import StreamLayout, lease_bucket
from childsafe.streaming.leases import PartitionLeases


def test_a_lone_worker_keeps_its_whole_share_while_it_renews(
    nats_url: str, layout: StreamLayout
) -> None:
    """Listing the bucket while heartbeats and renewals are written returned the heartbeat key
    twice now and then, so a lone worker counted two live workers, released half its
    partitions, and took them back a tick later: a second's stall on those partitions."""

    async def shares_while_renewing() -> list[int]:
        nc = await nats.connect(nats_url)
        try:
            bucket = await lease_bucket(nc.jetstream(), layout, 5.0)
            leases = PartitionLeases(bucket, "w1", range(layout.partitions), layout.partitions)
            await leases.heartbeat()
            assert len(await leases.acquire_free(layout.partitions)) == layout.partitions
            renewing = True

            async def renew() -> None:  # as _keep_leases does, without the pause
                while renewing:
                    await leases.heartbeat()
                    assert await leases.renew() == []

            renewals = asyncio.create_task(renew())
            shares = [await leases.fair_share() for _ in range(200)]
            renewing = False
            await renewals
            return shares
        finally:
            await nc.close()

    shares = asyncio.run(shares_while_renewing())
    assert set(shares) == {layout.partitions}
