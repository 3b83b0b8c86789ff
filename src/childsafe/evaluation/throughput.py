"""Messages per second through the streaming detector on one core: one by one and batched."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass

from childsafe.conversations import RiskTracker
from childsafe.model import Conversation


@dataclass(frozen=True, slots=True)
class Throughput:
    messages: int
    one_by_one_msgs_per_s: float
    batched_msgs_per_s: float


def pin_to_one_core() -> int | None:
    """Run on a single CPU (Linux); returns it, or None where affinity is unavailable."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def _one_by_one(tracker: RiskTracker, conversations: Sequence[Conversation]) -> float:
    start = time.perf_counter()
    for c in conversations:
        for m in c.messages:
            tracker.observe(c.conversation_id, m, c.participants)
        tracker.forget(c.conversation_id)
    return time.perf_counter() - start


def _batched(tracker: RiskTracker, conversations: Sequence[Conversation]) -> float:
    start = time.perf_counter()
    for c in conversations:
        tracker.observe_many(c.conversation_id, c.messages, c.participants)
        tracker.forget(c.conversation_id)
    return time.perf_counter() - start


def measure(
    tracker: RiskTracker, conversations: Sequence[Conversation], repeats: int = 3
) -> Throughput:
    """Median of `repeats` timed passes of each mode, alternated so both see the same machine."""
    count = sum(len(c.messages) for c in conversations)
    _one_by_one(tracker, conversations[:50])  # warm caches and the regex engine
    singles, batches = [], []
    for _ in range(repeats):
        singles.append(_one_by_one(tracker, conversations))
        batches.append(_batched(tracker, conversations))
    singles.sort()
    batches.sort()
    return Throughput(count, count / singles[len(singles) // 2], count / batches[len(batches) // 2])
