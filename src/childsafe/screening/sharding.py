"""The stable hash that keeps a conversation on one shard (`serve`'s screeners) or one stream
partition (`childsafe worker`): crc32 of its id, modulo the count."""

from __future__ import annotations

import zlib


def shard_of(conversation_id: str, shards: int) -> int:
    return zlib.crc32(conversation_id.encode()) % shards
