"""Garbage collection between batches: a batch's dead cycles are collected, its survivors are
frozen (out of later collections' way), no young collection runs inside a batch, the full
sweep reclaims a cycle that died frozen once Python's memory grew by a quarter, and the
batcher collects only once a batch's answers are settled. (The messages are the bench's
invented everyday lines.)"""

from __future__ import annotations

import gc
import sys
import threading
import weakref
from collections.abc import Iterator

import pytest

from childsafe.bench.stream import add_pairs, everyday_message
from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.screening import Batcher, Screener
from childsafe.screening.collection import BatchCollector
from childsafe.store.db import Database


class Node:
    """An object that can sit in a reference cycle and be watched through a weak reference."""

    def __init__(self) -> None:
        self.partner: Node | None = None


def cycle() -> weakref.ref[Node]:
    """A two-node cycle nothing else refers to once this returns."""
    first, second = Node(), Node()
    first.partner, second.partner = second, first
    return weakref.ref(first)


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """The collector freezes this process's objects and raises the young generation's
    threshold: leave both as the other tests expect."""
    threshold = gc.get_threshold()
    yield
    gc.set_threshold(*threshold)
    gc.unfreeze()
    gc.collect()


def test_a_batch_leaves_no_dead_cycle_and_its_survivors_frozen() -> None:
    collector = BatchCollector()
    dead = cycle()
    kept = [Node()]
    frozen_before = gc.get_freeze_count()
    collector.after_batch()
    assert dead() is None
    assert gc.get_freeze_count() > frozen_before
    assert gc.get_count()[0] < 5  # nothing left in the young generation to traverse again
    assert kept[0].partner is None


def test_no_collection_runs_while_a_batch_is_alive() -> None:
    collector = BatchCollector()
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()
    gc.callbacks.append(count)
    try:
        # About what a batch of 256 messages keeps alive until its end (rows, answers, states):
        # CPython's default threshold (700) would collect young objects some 30 times here.
        batch = [Node() for _ in range(20_000)]
        assert collections == []
        del batch
        collector.after_batch()
    finally:
        gc.callbacks.remove(count)
    assert collections and set(collections) == {2}  # the batch's own collection, after it


def test_a_cycle_that_dies_frozen_waits_for_the_sweep_after_growth() -> None:
    collector = BatchCollector(growth=1.25)
    collector.after_batch()  # the first batch may sweep: start from a settled state
    first, second = Node(), Node()
    first.partner, second.partner = second, first
    watched = weakref.ref(first)
    collector.after_batch()  # alive: frozen
    del first, second
    collector.after_batch()
    assert watched() is not None  # frozen objects are not collected
    # Python's memory grows by more than a quarter (a cache filling up): a full sweep.
    grown = [[] for _ in range(sys.getallocatedblocks() // 3)]
    collector.after_batch()
    assert watched() is None
    assert len(grown) > 0


def test_the_batcher_collects_after_settling_each_batch(database: Database) -> None:
    add_pairs(database, 1, adult_every=1, unconnected_every=0)
    settled_when_called: list[bool] = []
    futures = []
    submitting = threading.Lock()  # the callback sees each future once it is listed

    def after_batch() -> None:
        with submitting:
            settled_when_called.append(all(future.done() for future in futures))

    batcher = Batcher(
        Screener(database, Policy.default(), RiskTracker.default()), after_batch=after_batch
    )
    try:
        for n in range(3):
            with submitting:
                futures.append(batcher.submit(everyday_message("m", n, 1)))
            futures[-1].result(timeout=30)
    finally:
        batcher.close()
    assert settled_when_called == [True, True, True]
