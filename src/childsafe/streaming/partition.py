"""One partition's consumer: fetch a batch, screen it, publish the verdicts, acknowledge.

A message is acknowledged only after its batch committed (the Batcher resolves a message's
answer after the commit), so delivery is at least once; a redelivered message finds its stored
answer (the store is idempotent by message id), so its effect is exactly once. Outcomes:

- an answer: published on `<prefix>.verdicts.<conversation>` (and to the bridge's inbox when
  the message came through `serve --stream`), then acknowledged;
- a payload that is not a valid message, or an id reused for another message, or content the
  store refuses: dead-lettered on `<prefix>.dead.<partition>` with the error, at once;
- an unknown account or a failure of its own: redelivered after a pause, dead-lettered after
  `max_failures` deliveries (the account may be registered meanwhile);
- the database unreachable: redelivered after a pause, never dead-lettered (nothing is wrong
  with the message).

A message from the bridge gets its error at once instead (the HTTP caller sees the same
status as with plain `serve` and retries as it would there). Naks and dead letters never hold
the partition up: the next batch is fetched while a failed message waits for redelivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig

from childsafe.accounts import UnknownAccount
from childsafe.runtime import metrics
from childsafe.screening import (
    Batcher,
    IncomingMessage,
    MessageIdReused,
    MessageNotStored,
    ScreeningError,
)
from childsafe.streaming.layout import StreamLayout
from childsafe.streaming.wire import (
    DELIVERIES,
    ERROR,
    REPLY_TO,
    MalformedMessage,
    ScreeningOutcome,
    decode_message,
    encode_outcome,
    encode_verdict,
    error_text,
)

log = logging.getLogger("childsafe.streaming")

FETCH_BATCH = 256
FETCH_WAIT_S = 0.5  # also how long a stop waits for an idle partition
RETRY_DELAY_S = 1.0
# Messages delivered and not yet acknowledged, at most: a few batches in flight.
MAX_ACK_PENDING = 4 * FETCH_BATCH
_PERMANENT = (MessageIdReused, MessageNotStored)


class PartitionConsumer:
    def __init__(
        self,
        nc: NatsClient,
        js: JetStreamContext,
        layout: StreamLayout,
        partition: int,
        batcher: Batcher,
        *,
        ack_wait_s: float,
        max_failures: int,
    ) -> None:
        self.nc = nc
        self.js = js
        self.layout = layout
        self.partition = partition
        self.batcher = batcher
        self.ack_wait_s = ack_wait_s
        self.max_failures = max_failures
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._subscription: JetStreamContext.PullSubscription | None = None

    async def start(self) -> None:
        """Bind to the partition's durable consumer (created by the first worker to hold it)
        and start consuming."""
        self._subscription = await self.js.pull_subscribe(
            self.layout.inbound_filter(self.partition),
            durable=self.layout.consumer(self.partition),
            stream=self.layout.stream,
            config=ConsumerConfig(
                ack_policy=AckPolicy.EXPLICIT,
                ack_wait=self.ack_wait_s,
                # Dead letters are ours to send (with the error): JetStream's own limit would
                # only stop delivering, silently.
                max_deliver=-1,
                max_ack_pending=MAX_ACK_PENDING,
            ),
        )
        self._task = asyncio.create_task(self._run(), name=f"partition-{self.partition}")

    async def stop(self) -> None:
        """Finish the batch in hand (screened, answered, acknowledged), then stop; the
        batcher is the worker's, shared with its other partitions."""
        self._stopping = True
        if self._task is not None:
            await self._task
        if self._subscription is not None:
            with contextlib.suppress(Exception):
                await self._subscription.unsubscribe()

    async def lag(self) -> int:
        """Messages in the partition not yet delivered."""
        if self._subscription is None:
            return 0
        info = await self._subscription.consumer_info()
        return int(info.num_pending or 0)

    async def _run(self) -> None:
        assert self._subscription is not None
        while not self._stopping:
            try:
                fetched = await self._subscription.fetch(FETCH_BATCH, timeout=FETCH_WAIT_S)
            except TimeoutError:  # nothing to fetch (nats' own timeout is one too)
                continue
            except Exception:  # disconnected, or the server restarting: try again shortly
                log.warning("partition %d: fetch failed", self.partition, exc_info=True)
                await asyncio.sleep(RETRY_DELAY_S)
                continue
            try:
                await self.handle(fetched)
            except Exception:  # a bug: unacknowledged, so redelivered after ack_wait
                log.exception("partition %d: a batch of %d failed", self.partition, len(fetched))

    async def handle(self, fetched: Sequence[Msg]) -> None:
        started = time.perf_counter()
        decoded: list[tuple[Msg, IncomingMessage]] = []
        for msg in fetched:
            try:
                decoded.append((msg, decode_message(msg.data)))
            except MalformedMessage as error:
                await self._dead_letter(msg, f"not a valid message: {error}")
                await msg.term()
        outcomes = await asyncio.gather(
            *(self.batcher.screen_soon(message) for _, message in decoded),
            return_exceptions=True,
        )
        metrics.BATCH_SECONDS.labels("stream").observe(time.perf_counter() - started)
        for (msg, message), outcome in zip(decoded, outcomes, strict=True):
            await self._settle(msg, message, outcome)

    async def _settle(
        self, msg: Msg, message: IncomingMessage, outcome: ScreeningOutcome | BaseException
    ) -> None:
        reply_to = (msg.headers or {}).get(REPLY_TO)
        if isinstance(outcome, dict):
            metrics.record_answer(outcome)
            await self.nc.publish(
                self.layout.verdicts(message.conversation_id), encode_verdict(message, outcome)
            )
            if reply_to:
                await self.nc.publish(reply_to, encode_outcome(outcome))
            await msg.ack()
            return
        if not isinstance(outcome, Exception):  # cancelled: leave it to redelivery
            return
        if reply_to:
            await self.nc.publish(reply_to, encode_outcome(outcome))
            await msg.ack()
        elif isinstance(outcome, _PERMANENT) or (
            isinstance(outcome, UnknownAccount | ScreeningError)
            and msg.metadata.num_delivered >= self.max_failures
        ):
            await self._dead_letter(msg, error_text(outcome))
            await msg.ack()
        else:
            # ScreeningUnavailable and a failed batch (the database unreachable) come back
            # until the database does; the others until max_failures.
            await msg.nak(delay=RETRY_DELAY_S)

    async def _dead_letter(self, msg: Msg, error: str) -> None:
        headers = {
            ERROR: " ".join(error.split()),  # one line: a header value holds no line break
            DELIVERIES: str(msg.metadata.num_delivered),
        }
        original_id = (msg.headers or {}).get("Nats-Msg-Id")
        if original_id:
            headers["Nats-Msg-Id"] = f"{original_id}:dead"
        await self.js.publish(self.layout.dead(self.partition), msg.data, headers=headers)
        metrics.DEAD_LETTERS.labels(str(self.partition)).inc()
        log.warning("partition %d: dead letter (%s)", self.partition, headers[ERROR])
