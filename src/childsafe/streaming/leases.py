"""Who holds which partition: leases in a JetStream key-value bucket whose keys expire.

Each worker writes `workers.<id>` (its heartbeat) and holds `partitions.<n>` for each
partition it consumes; it renews both every tick (a compare-and-set on the key's revision,
so a lease that expired and was taken by another worker is known lost at once). A key not
renewed within the bucket's TTL expires: a worker that dies (SIGKILL, a lost machine) loses
its heartbeat and its leases after at most TTL, and the others take its partitions at their
next tick. Each worker aims at its fair share, ceil(partitions / live workers): one that
holds more releases the rest after their batch is acknowledged (a worker joined); one that
holds less takes free partitions (a worker left).

Fair shares count every live worker, but a worker limited by `--partitions` may be unable to
take what its share leaves over. So a partition that stays free for a grace period (two TTLs)
is adopted by a worker allowed to take it, beyond its share; it keeps such a partition, and
does not count it in its share, until the set of live workers changes, when shares are
worked out afresh. Without that, a partition could stay unconsumed for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import zlib
from collections.abc import Collection

from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.errors import (
    BucketNotFoundError,
    KeyNotFoundError,
    KeyWrongLastSequenceError,
    NoKeysError,
    NotFoundError,
)
from nats.js.kv import KeyValue

WORKERS = "workers"
PARTITIONS = "partitions"


async def workers_running(js: JetStreamContext, bucket: str) -> int:
    """Workers whose heartbeat in the lease bucket has not expired (0 if no bucket yet)."""
    try:
        keys = await (await js.key_value(bucket)).keys()
    except (BucketNotFoundError, NotFoundError, NoKeysError):
        return 0
    return _heartbeats(keys)


async def lease_holders(bucket: KeyValue, partitions: int) -> list[str]:
    """Each partition's holder (a worker id), '' where it is free."""
    held = []
    for partition in range(partitions):
        try:
            held.append(((await bucket.get(f"{PARTITIONS}.{partition}")).value or b"").decode())
        except KeyNotFoundError:
            held.append("")
    return held


def _heartbeats(keys: list[str]) -> int:
    # Distinct keys: a listing races the heartbeats and renewals written meanwhile, and
    # nats-py's KeyValue.keys() then returns an updated key twice (one worker counted as two
    # halved its fair share, released half its partitions and took them back a tick later).
    return len({key for key in keys if key.startswith(f"{WORKERS}.")})


class PartitionLeases:
    def __init__(self, bucket: KeyValue, worker_id: str, allowed: Collection[int], total: int):
        self.bucket = bucket
        self.worker_id = worker_id
        self.allowed = sorted(allowed)
        self.total = total
        self.held: dict[int, int] = {}  # partition -> the lease key's revision
        # Adopted beyond the fair share (nobody took them); kept until the live workers change.
        self.adopted: set[int] = set()
        self._free_since: dict[int, float] = {}  # partition -> when first seen free
        self._live = 0
        # Renewals run on their own schedule: a release must not race a renewal's revision.
        self._lock = asyncio.Lock()

    async def heartbeat(self) -> None:
        await self.bucket.put(f"{WORKERS}.{self.worker_id}", self.worker_id.encode())

    async def fair_share(self) -> int:
        """ceil(partitions / live workers); also notes which partitions are free, and since
        when, for `adopt_orphans`."""
        try:
            keys = await self.bucket.keys()
        except NoKeysError:
            keys = []
        live = max(1, _heartbeats(keys))
        if live != self._live:  # a worker joined or left: shares are worked out afresh
            self._live = live
            self.adopted.clear()
        taken = {int(key.split(".")[1]) for key in keys if key.startswith(f"{PARTITIONS}.")}
        now = time.monotonic()
        for partition in range(self.total):
            if partition in taken:
                self._free_since.pop(partition, None)
            else:
                self._free_since.setdefault(partition, now)
        return math.ceil(self.total / live)

    async def renew(self) -> list[int]:
        """Renew every held lease; the partitions whose lease was lost."""
        lost = []
        async with self._lock:
            for partition, revision in list(self.held.items()):
                try:
                    self.held[partition] = await self.bucket.update(
                        self._key(partition), self.worker_id.encode(), last=revision
                    )
                except KeyWrongLastSequenceError:
                    del self.held[partition]
                    self.adopted.discard(partition)
                    lost.append(partition)
        return lost

    async def acquire_free(self, wanted: int) -> list[int]:
        """Take free partitions until `wanted` are held (adopted ones aside); the ones taken."""
        taken = []
        async with self._lock:
            for partition in self._preference():
                if len(self._shared()) >= wanted:
                    break
                if partition not in self.held and await self._take(partition):
                    taken.append(partition)
        return taken

    async def adopt_orphans(self, grace_s: float) -> list[int]:
        """Take allowed partitions that have been free for `grace_s`, beyond the fair share."""
        adopted = []
        now = time.monotonic()
        async with self._lock:
            for partition in self._preference():
                since = self._free_since.get(partition)
                if partition in self.held or since is None or now - since < grace_s:
                    continue
                if await self._take(partition):
                    self.adopted.add(partition)
                    adopted.append(partition)
        return adopted

    def surplus(self, wanted: int) -> list[int]:
        """Held partitions beyond `wanted`, adopted ones aside (the highest first)."""
        shared = self._shared()
        return sorted(shared, reverse=True)[: max(0, len(shared) - wanted)]

    def _shared(self) -> list[int]:
        return [partition for partition in self.held if partition not in self.adopted]

    async def _take(self, partition: int) -> bool:
        try:
            self.held[partition] = await self.bucket.create(
                self._key(partition), self.worker_id.encode()
            )
        except (KeyWrongLastSequenceError, KeyNotFoundError):
            return False  # another worker holds it (or took it a moment ago)
        self._free_since.pop(partition, None)
        return True

    async def release(self, partition: int) -> None:
        async with self._lock:
            revision = self.held.pop(partition, None)
            self.adopted.discard(partition)
            if revision is not None:
                # A lease lost meanwhile is someone else's now: leave it alone.
                with contextlib.suppress(KeyWrongLastSequenceError):
                    await self.bucket.delete(self._key(partition), last=revision)

    async def leave(self) -> None:
        """Release everything and the heartbeat (a clean stop)."""
        for partition in list(self.held):
            await self.release(partition)
        with contextlib.suppress(NatsError):
            await self.bucket.delete(f"{WORKERS}.{self.worker_id}")

    def _preference(self) -> list[int]:
        # Each worker starts at a different partition, so joiners do not all race for one.
        start = zlib.crc32(self.worker_id.encode()) % max(1, len(self.allowed))
        return self.allowed[start:] + self.allowed[:start]

    @staticmethod
    def _key(partition: int) -> str:
        return f"{PARTITIONS}.{partition}"
