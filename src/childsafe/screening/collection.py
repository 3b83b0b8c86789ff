"""Garbage collection between batches, so the detector states in memory are not traversed
again and again.

The screener keeps the detector state of up to 50,000 conversations: hundreds of thousands of
long-lived objects. CPython's full collection traverses all of them whenever a quarter as
many new objects have survived, and with many conversations almost every batch loads states
and evicts others, so full collections come often: at 100,000 conversations they cost about
50 µs a message, a tenth of the screening process's CPU. Instead, after each batch (its
answers already sent) the collector collects what is not frozen, which is what that batch
left, and freezes what survived: each object is traversed about once. Frozen objects that
die are still freed by reference counting; only a reference cycle that dies while frozen
waits for the full sweep, which unfreezes everything and collects every `full_sweep_s`.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

FULL_SWEEP_EVERY_S = 600.0


class BatchCollector:
    """One per screening loop; `after_batch` runs on that loop's thread."""

    def __init__(
        self,
        full_sweep_s: float = FULL_SWEEP_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.full_sweep_s = full_sweep_s
        self._clock = clock
        self._next_sweep = clock() + full_sweep_s

    def after_batch(self) -> None:
        now = self._clock()
        if now >= self._next_sweep:
            gc.unfreeze()
            self._next_sweep = now + self.full_sweep_s
        gc.collect()
        gc.freeze()
