"""A worker that gives up a stream partition forgets its conversations' detector state, so if
the partition comes back after another worker screened them, it reads the stored state
instead of going on from its own stale copy. Both ways of screening: a thread, a child
process. (The messages are the bench's invented everyday lines.)"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from childsafe.bench.stream import add_pairs, everyday_message
from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.screening import Batcher, Screener
from childsafe.screening.process import ProcessScreener
from childsafe.screening.sharding import shard_of
from childsafe.store.db import Database
from childsafe.store.tables.service import ConversationState

PARTITIONS = 4


def counted(database: Database) -> int:
    with database.session() as session:
        return (
            session.scalar(
                select(ConversationState.message_count).where(
                    ConversationState.conversation_id == "conv0"
                )
            )
            or 0
        )


@pytest.mark.parametrize("separate_process", [False, True], ids=["thread", "process"])
def test_a_released_partition_is_read_again_from_the_store(
    database: Database, separate_process: bool
) -> None:
    add_pairs(database, 1, adult_every=1, unconnected_every=0)
    policy = Policy.default()
    screener = (
        ProcessScreener(database.url, policy)
        if separate_process
        else Screener(database, policy, RiskTracker.default())
    )
    here = Batcher(screener)
    try:
        for n in range(2):
            here.screen(everyday_message("m", n, 1))
        # The partition moves: another worker screens three more messages of conv0.
        elsewhere = Batcher(Screener(database, policy, RiskTracker.default()))
        for n in range(2, 5):
            elsewhere.screen(everyday_message("m", n, 1))
        elsewhere.close()
        assert counted(database) == 5
        # Released here (any other partition's state would stay), then back.
        here.forget_shard(shard_of("conv0", PARTITIONS), PARTITIONS).result(timeout=30)
        here.screen(everyday_message("m", 5, 1))
        assert counted(database) == 6  # a stale copy would have written 3
    finally:
        here.close()


def test_a_worker_that_screened_nothing_yet_can_release(database: Database) -> None:
    """A worker started before any message came gives partitions to a newcomer at once."""
    idle = Batcher(Screener(database, Policy.default(), RiskTracker.default()))
    try:
        idle.forget_shard(0, PARTITIONS).result(timeout=10)
    finally:
        idle.close()
