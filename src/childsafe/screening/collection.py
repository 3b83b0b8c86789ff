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
"""

from __future__ import annotations

import gc
import sys

SWEEP_AFTER_GROWTH = 1.25


class BatchCollector:
    """One per screening loop; `after_batch` runs on that loop's thread."""

    def __init__(self, growth: float = SWEEP_AFTER_GROWTH) -> None:
        self.growth = growth
        self._sweep_above = self._limit()

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
