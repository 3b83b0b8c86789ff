"""Where messages go on NATS: the stream, its subjects, the partition of a conversation.

Subjects (prefix `childsafe`, or `childsafe_<namespace>` to keep test runs apart):

- `<prefix>.in.<partition>.message`: a message to screen, JSON as POST /v1/messages's body,
  header `Nats-Msg-Id` = the message id (JetStream drops a copy inside its duplicate window).
- `<prefix>.verdicts.<conversation>`: each verdict once stored (core NATS).
- `<prefix>.dead.<partition>`: a message that could not be screened, with its error.
- `<prefix>.events.<type>` (stream `CHILDSAFE_EVENTS`): the events outbox, each event as the
  feed and webhooks carry it, `Nats-Msg-Id` = the event id (see events_out.py).
- `<prefix>.rescan.jobs.<job>` and `<prefix>.rescan.results.<job>` (stream
  `CHILDSAFE_IN_RESCAN`): a rescan's chunks for the workers and what they found; the model it
  replays through lies in the object store `CHILDSAFE_IN_MODELS` (see rescan.py).

The partition is computed by the publisher: crc32 of the conversation id modulo the partition
count (the hash `screening.shards` uses). JetStream's `partition(n, ...)` subject mapping
would do the same on the server, but only on a subject token, and a conversation id may hold
a '.', which splits tokens; in the server's config it is also one more place to keep in step.
A conversation always lands on one partition, so its messages stay in order.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import (
    DiscardPolicy,
    KeyValueConfig,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.errors import BadRequestError, NotFoundError
from nats.js.kv import KeyValue

from childsafe.screening.sharding import shard_of

DEFAULT_PARTITIONS = 4
# A copy of a message id published again within this window is dropped by JetStream.
DUPLICATE_WINDOW_S = 120.0
DEAD_LETTERS_KEPT_S = 14 * 86400.0
EVENTS_KEPT_S = 7 * 86400.0
# An event published again after a crash (its page acknowledged, the cursor not yet saved) is
# dropped if the publisher is back within this window; receivers dedupe by id beyond it.
EVENTS_DUPLICATE_WINDOW_S = 3600.0
RESCANS_KEPT_S = 86400.0


def subject_token(platform_id: str) -> str:
    """A platform id as one subject token: ids may hold '.', which NATS reads as a separator;
    '%' is outside the id alphabet, so the escape cannot collide."""
    return platform_id.replace(".", "%2E")


def partition_of(conversation_id: str, partitions: int) -> int:
    return shard_of(conversation_id, partitions)


@dataclass(frozen=True, slots=True)
class StreamLayout:
    namespace: str = ""
    partitions: int = DEFAULT_PARTITIONS

    @property
    def prefix(self) -> str:
        return f"childsafe_{self.namespace}" if self.namespace else "childsafe"

    @property
    def stream(self) -> str:
        return f"CHILDSAFE_IN_{self.namespace}" if self.namespace else "CHILDSAFE_IN"

    @property
    def dead_stream(self) -> str:
        return f"{self.stream}_DEAD"

    @property
    def lease_bucket(self) -> str:
        return f"{self.stream}_LEASES"

    @property
    def events_stream(self) -> str:
        return f"CHILDSAFE_EVENTS_{self.namespace}" if self.namespace else "CHILDSAFE_EVENTS"

    def events(self, event_type: str) -> str:
        return f"{self.prefix}.events.{event_type}"

    @property
    def all_events(self) -> str:
        return f"{self.prefix}.events.>"

    def inbound(self, partition: int) -> str:
        return f"{self.prefix}.in.{partition}.message"

    def inbound_filter(self, partition: int) -> str:
        return f"{self.prefix}.in.{partition}.>"

    def for_conversation(self, conversation_id: str) -> str:
        return self.inbound(partition_of(conversation_id, self.partitions))

    def verdicts(self, conversation_id: str) -> str:
        return f"{self.prefix}.verdicts.{subject_token(conversation_id)}"

    @property
    def all_verdicts(self) -> str:
        return f"{self.prefix}.verdicts.>"

    def dead(self, partition: int) -> str:
        return f"{self.prefix}.dead.{partition}"

    def consumer(self, partition: int) -> str:
        return f"partition-{partition}"

    @property
    def rescan_stream(self) -> str:
        return f"{self.stream}_RESCAN"

    def rescan_jobs(self, job: str) -> str:
        return f"{self.prefix}.rescan.jobs.{job}"

    @property
    def all_rescan_jobs(self) -> str:
        return f"{self.prefix}.rescan.jobs.>"

    def rescan_results(self, job: str) -> str:
        return f"{self.prefix}.rescan.results.{job}"

    @property
    def models_bucket(self) -> str:
        return f"{self.stream}_MODELS"


async def ensure_streams(js: JetStreamContext, layout: StreamLayout) -> None:
    """Create the inbound and dead-letter streams if absent (file storage: a restarted
    server keeps what it acknowledged). Work-queue retention: a message acknowledged by its
    partition's consumer is removed."""
    await _add_stream(
        js,
        StreamConfig(
            name=layout.stream,
            subjects=[f"{layout.prefix}.in.>"],
            retention=RetentionPolicy.WORK_QUEUE,
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_S,
            discard=DiscardPolicy.OLD,
        ),
    )
    await _add_stream(
        js,
        StreamConfig(
            name=layout.dead_stream,
            subjects=[f"{layout.prefix}.dead.>"],
            storage=StorageType.FILE,
            max_age=DEAD_LETTERS_KEPT_S,
        ),
    )


async def ensure_events_stream(js: JetStreamContext, layout: StreamLayout) -> None:
    """The events stream: file storage, kept EVENTS_KEPT_S, for any number of consumers."""
    await _add_stream(
        js,
        StreamConfig(
            name=layout.events_stream,
            subjects=[layout.all_events],
            storage=StorageType.FILE,
            max_age=EVENTS_KEPT_S,
            duplicate_window=EVENTS_DUPLICATE_WINDOW_S,
        ),
    )


async def ensure_rescan_stream(js: JetStreamContext, layout: StreamLayout) -> None:
    """The rescans' work queue: a job's chunks, taken by any worker, and its results for the
    `rescan` that published them; file storage, gone once acknowledged or after a day."""
    await _add_stream(
        js,
        StreamConfig(
            name=layout.rescan_stream,
            subjects=[f"{layout.prefix}.rescan.>"],
            retention=RetentionPolicy.WORK_QUEUE,
            storage=StorageType.FILE,
            max_age=RESCANS_KEPT_S,
            duplicate_window=DUPLICATE_WINDOW_S,
        ),
    )


async def lease_bucket(js: JetStreamContext, layout: StreamLayout, ttl_s: float) -> KeyValue:
    """The bucket of partition leases and worker heartbeats; a key not renewed within ttl_s
    expires (the bucket's max age)."""
    try:
        return await js.key_value(layout.lease_bucket)
    except NotFoundError:
        return await js.create_key_value(
            KeyValueConfig(bucket=layout.lease_bucket, ttl=ttl_s, storage=StorageType.FILE)
        )


async def delete_streams(js: JetStreamContext, layout: StreamLayout) -> None:
    """Remove the streams and the lease bucket (tests and benchmarks clean up after them)."""
    for name in (layout.stream, layout.dead_stream, layout.events_stream, layout.rescan_stream):
        with contextlib.suppress(NotFoundError):
            await js.delete_stream(name)
    with contextlib.suppress(NotFoundError, BadRequestError):
        await js.delete_key_value(layout.lease_bucket)
    with contextlib.suppress(NotFoundError, BadRequestError):
        await js.delete_object_store(layout.models_bucket)


async def _add_stream(js: JetStreamContext, config: StreamConfig) -> None:
    try:
        await js.add_stream(config)
    except BadRequestError as error:
        if error.err_code != 10058:  # "stream name already in use": made by another process
            raise
