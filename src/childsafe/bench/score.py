"""Messages per second through the streaming detector on one core (`childsafe bench score`):
one by one and batched, over real chats when present, else the examples file repeated."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from childsafe.conversations import RiskTracker
from childsafe.corpora import bfpsr, chitchat, jsonl
from childsafe.evaluation.crossval import BFPSR_PATH
from childsafe.model import Conversation

EXAMPLES = Path("examples/conversations.jsonl")


@dataclass(frozen=True, slots=True)
class Throughput:
    messages: int
    one_by_one_msgs_per_s: float
    batched_msgs_per_s: float


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


def workload(data: Path, limit: int) -> tuple[str, list[Conversation]]:
    """At least `limit` messages (whole conversations, ids made unique) and where they are from."""
    if (data / BFPSR_PATH).exists():
        pool = list(bfpsr.load(data / BFPSR_PATH, whole_chats=False))
        pool += list(chitchat.load(data / "chitchat-byu/chitchat_dataset-0.9.0.tar.xz"))
        source = "BF-PSR segments and chit-chat conversations"
    else:
        pool = list(jsonl.read_conversations(EXAMPLES))
        source = f"{EXAMPLES} (repeated)"
    chosen: list[Conversation] = []
    count = 0
    while count < limit:
        for c in pool:
            chosen.append(
                Conversation(f"{c.conversation_id}#{len(chosen)}", c.participants, c.messages)
            )
            count += len(c.messages)
            if count >= limit:
                break
    return source, chosen
