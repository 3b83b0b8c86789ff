"""The events outbox on NATS JetStream: each event on `<prefix>.events.<type>`, in order.

A thread of `serve` or `worker` (`--events-nats URL`) with a NATS connection and an event
loop of its own, so its database reads never stall the process's other work. Each round, in
one transaction: lock the publisher's row in `events_cursors` (`nats:<stream>`; a second
publisher, in any process, skips its round while one holds it), read the page of events after
it, publish the page in order with the event id as `Nats-Msg-Id`, wait for every
acknowledgement, and only then move the row past the page. A crash before that commit leaves
the row where it was: the next publisher sends the page again under the same ids, and
JetStream drops the copies it already stored (within EVENTS_DUPLICATE_WINDOW_S; beyond it,
receivers dedupe by id as they do for webhooks). At least once, never skipped, in outbox order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading

import orjson
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from sqlalchemy.exc import OperationalError

from childsafe.events.cursors import save_cursor, try_lock_cursor
from childsafe.events.outbox import read_events
from childsafe.runtime import metrics
from childsafe.store.db import Database
from childsafe.streaming.connection import connect_unless_stopped
from childsafe.streaming.layout import StreamLayout, ensure_events_stream

log = logging.getLogger("childsafe.streaming")

PAGE = 500
POLL_S = 0.2
RETRY_S = 1.0
ACK_TIMEOUT_S = 10.0


class EventsPublisher:
    def __init__(
        self,
        database: Database,
        nats_url: str,
        layout: StreamLayout,
        *,
        poll_every_s: float = POLL_S,
    ) -> None:
        self.database = database
        self.nats_url = nats_url
        self.layout = layout
        self.poll_every_s = poll_every_s
        self.cursor_name = f"nats:{layout.events_stream}"
        self.nc: NatsClient | None = None
        self._loop = asyncio.new_event_loop()
        self._stopping = asyncio.Event()
        self._thread = threading.Thread(target=self._run, name="events-to-nats", daemon=True)

    @property
    def connected(self) -> bool:
        return self.nc is not None and self.nc.is_connected

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Finish the round in hand (published and saved, or left for the next publisher)."""
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout=ACK_TIMEOUT_S + 5)

    async def publish_round(self, js: JetStreamContext) -> int:
        """Publish the next page if no other publisher holds the cursor; how many events."""
        with self.database.session() as session:
            connection = session.connection()
            cursor = try_lock_cursor(connection, self.cursor_name)
            if cursor is None:
                return 0  # another publisher's turn
            page = read_events(connection, after=cursor, limit=PAGE)
            if page.next_cursor == cursor:
                return 0
            acknowledged = [
                await js.publish_async(
                    self.layout.events(event.type),
                    orjson.dumps(event.document()),
                    headers={"Nats-Msg-Id": event.id},
                )
                for event in page.events
            ]
            await asyncio.wait_for(asyncio.gather(*acknowledged), ACK_TIMEOUT_S)
            save_cursor(connection, self.cursor_name, page.next_cursor)
        metrics.EVENTS_PUBLISHED.inc(len(page.events))
        return len(page.events)

    def _run(self) -> None:
        try:
            self._loop.run_until_complete(self._publish_until_stopped())
        finally:
            self._loop.close()

    async def _publish_until_stopped(self) -> None:
        nc = await connect_unless_stopped(self.nats_url, "childsafe-events", self._stopping)
        if nc is None:
            return
        self.nc = nc
        js = nc.jetstream()
        stream_ready = False
        log.info("publishing events to %s on %s", self.layout.all_events, self.nats_url)
        try:
            while not self._stopping.is_set():
                pause = self.poll_every_s
                try:
                    if not stream_ready:
                        await ensure_events_stream(js, self.layout)
                        stream_ready = True
                    if await self.publish_round(js) == PAGE:
                        continue  # more waiting: no pause
                except OperationalError as error:
                    log.warning("events to NATS: database unavailable (%s); retrying", error.code)
                    pause = RETRY_S
                except Exception:  # NATS away, or the stream removed: made again next round
                    log.warning("events to NATS: a round failed; retrying", exc_info=True)
                    stream_ready, pause = False, RETRY_S
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), pause)
        finally:
            with contextlib.suppress(Exception):
                await nc.drain()
