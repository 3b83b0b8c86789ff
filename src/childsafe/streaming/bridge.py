"""`childsafe serve --stream`: POST /v1/messages publishes to the stream and awaits the
verdict from whichever worker holds the conversation's partition (request/reply).

Each request publishes with its own inbox in the `Childsafe-Reply-To` header and
`Nats-Msg-Id` = message id + a per-request token: JetStream's de-duplication would otherwise
swallow a platform's retry of the same message id (within its window) and the retry would
never get an answer; the store answers a retry with the stored answer, as on the plain path.
No verdict within the timeout is a 503 (retry): the message stays in the stream and is
screened once a worker takes its partition, and a retry then gets the stored answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.js import JetStreamContext

from childsafe.screening import Answer, IncomingMessage, ScreeningUnavailable
from childsafe.streaming.connection import connect
from childsafe.streaming.layout import StreamLayout, ensure_streams
from childsafe.streaming.publisher import publish_message
from childsafe.streaming.wire import decode_outcome

DEFAULT_TIMEOUT_S = 30.0


class StreamBridge:
    """A `runtime.messages.MessagePath`: screen_async through the stream's workers."""

    def __init__(
        self, nats_url: str, layout: StreamLayout, timeout_s: float = DEFAULT_TIMEOUT_S
    ) -> None:
        self.nats_url = nats_url
        self.layout = layout
        self.timeout_s = timeout_s
        self._nc: NatsClient | None = None
        self._js: JetStreamContext | None = None
        self._inbox = ""
        self._waiting: dict[str, asyncio.Future[bytes]] = {}
        self._connecting = asyncio.Lock()

    @property
    def connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    async def connect(self) -> None:
        async with self._connecting:
            if self._nc is not None:
                return
            nc = await connect(self.nats_url, "childsafe-serve", retry_for_ever=False)
            self._inbox = nc.new_inbox()
            await nc.subscribe(f"{self._inbox}.*", cb=self._on_reply)
            js = nc.jetstream()
            # The streams may not exist yet when serve starts before any worker (compose starts
            # serve first): without them a publish gets no acknowledgement and every request
            # would be refused until a worker came up. Creating them is idempotent.
            try:
                await ensure_streams(js, self.layout)
            except NatsError as error:
                await nc.close()
                raise ScreeningUnavailable(f"the stream is unreachable ({error})") from None
            self._js, self._nc = js, nc

    async def screen_async(self, message: IncomingMessage) -> Answer:
        if self._js is None:
            await self.connect()
        assert self._js is not None
        token = uuid.uuid4().hex
        reply = asyncio.get_running_loop().create_future()
        self._waiting[token] = reply
        try:
            await publish_message(
                self._js,
                self.layout,
                message,
                publish_id=f"{message.id}:{token}",
                reply_to=f"{self._inbox}.{token}",
            )
            data = await asyncio.wait_for(reply, self.timeout_s)
        except TimeoutError:
            raise ScreeningUnavailable(
                f"no verdict from the stream's workers within {self.timeout_s:g} s"
            ) from None
        except NatsError as error:
            raise ScreeningUnavailable(f"the stream is unreachable ({error})") from None
        finally:
            self._waiting.pop(token, None)
        return decode_outcome(data)

    async def _on_reply(self, msg: Msg) -> None:
        waiting = self._waiting.get(msg.subject.rsplit(".", 1)[-1])
        if waiting is not None and not waiting.done():
            waiting.set_result(msg.data)

    def close(self) -> None:
        """Called at shutdown on the server's loop: let the connection drain there."""
        if self._nc is not None:
            with contextlib.suppress(RuntimeError):  # no running loop: the process is ending
                closing = asyncio.get_running_loop().create_task(self._nc.close())
                # Requests are answered by now; a loop that stops first cuts the close short.
                closing.add_done_callback(lambda done: done.cancelled() or done.exception())
            self._nc = self._js = None
