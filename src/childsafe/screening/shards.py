"""Screening spread over several batchers, each conversation always on the same one.

Each batcher drives its own screener (under `childsafe serve`, its own process with its own
database connection), so while one waits on the database another computes. A conversation's
detector state lives in exactly one of them, because the shard is a stable hash of the
conversation id; the database's constraints handle what crosses shards (a message id reused in
another conversation, two alerts on the same suspect's case).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future

from childsafe.screening.batcher import Batcher
from childsafe.screening.records import Answer, IncomingMessage
from childsafe.screening.sharding import shard_of


class Shards:
    """Batcher's interface (submit, screen_async, screen, close) over several batchers."""

    def __init__(self, batchers: Sequence[Batcher]) -> None:
        if not batchers:
            raise ValueError("at least one batcher is needed")
        self.batchers = list(batchers)

    def batcher_for(self, conversation_id: str) -> Batcher:
        return self.batchers[shard_of(conversation_id, len(self.batchers))]

    def submit(self, message: IncomingMessage) -> Future[Answer]:
        return self.batcher_for(message.conversation_id).submit(message)

    async def screen_async(self, message: IncomingMessage) -> Answer:
        return await self.batcher_for(message.conversation_id).screen_async(message)

    def screen(self, message: IncomingMessage) -> Answer:
        return self.batcher_for(message.conversation_id).screen(message)

    def close(self) -> None:
        for batcher in self.batchers:
            batcher.close()
