"""Garbage collection between batches, so the detector states in memory are not traversed
again and again.

The screener keeps the detector state of up to 50,000 conversations: hundreds of thousands of
long-lived objects. CPython's full collection traverses all of them whenever a quarter as
many new objects have survived, and with many conversations almost every batch loads states
and evicts others, so full collections come often: at 100,000 conversations they cost about
50 µs a message, a tenth of the screening process's CPU. Instead, after each batch (its
answers already sent) the collector collects what is not frozen, which is what that batch
left, and freezes what survived: each object is traversed about once.

Frozen objects that die are still freed by reference counting, so an evicted state leaves
memory at once; only a reference cycle that dies while frozen stays. The full sweep (unfreeze
and collect everything) reclaims those when the memory blocks Python holds have grown by a
quarter since the last sweep: a few times while the cache fills, then only if such garbage
piles up, so it never holds more than a quarter of the live memory. A sweep pauses the loop
like any full collection (0.7 s for 460,000 objects on the 2-core VM). The blocks are counted
per arena (`sys.getallocatedblocks`, under a millisecond), not per object: counting the frozen
objects walks all of them (70 ms a batch at 470,000).

The collector also raises the young generation's threshold (process-wide) from CPython's 700
allocations to 50,000, more than a batch of 256 messages allocates: with the default, young
collections ran inside every batch and traversed what was alive at that moment (the batch's
rows and answers, the states it had just loaded), then again as they aged into the middle
generation, only for most of it to die by the batch's end. After a batch it is dead and freed
by reference counting, and `after_batch` traverses what survived. Measured on a screener
(`Screener.screen_batch`, 256-message batches, collections timed with `gc.callbacks`): at
1,000,000 conversations, the cache full, collection fell from 11-14 to 2 µs a message; at 100
conversations from 3 to under 1. The threshold still bounds garbage made between batches
(an idle worker's NATS traffic).
"""

from __future__ import annotations

import gc
import sys

SWEEP_AFTER_GROWTH = 1.25
YOUNG_THRESHOLD = 50_000


class BatchCollector:
    """One per screening loop; `after_batch` runs on that loop's thread."""

    def __init__(self, growth: float = SWEEP_AFTER_GROWTH) -> None:
        self.growth = growth
        self._sweep_above = self._limit()
        young, *older = gc.get_threshold()
        gc.set_threshold(max(young, YOUNG_THRESHOLD), *older)

    def after_batch(self) -> None:
        gc.collect()
        gc.freeze()
        if sys.getallocatedblocks() > self._sweep_above:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._sweep_above = self._limit()

    def _limit(self) -> int:
        return int(self.growth * sys.getallocatedblocks())
