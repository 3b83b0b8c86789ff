"""Publishing a message to the stream, as a platform (or the bridge, or the bench) does."""

from __future__ import annotations

from nats.js import JetStreamContext
from nats.js.api import PubAck

from childsafe.screening import IncomingMessage
from childsafe.streaming.layout import StreamLayout
from childsafe.streaming.wire import REPLY_TO, encode_message


async def publish_message(
    js: JetStreamContext,
    layout: StreamLayout,
    message: IncomingMessage,
    *,
    publish_id: str | None = None,
    reply_to: str | None = None,
) -> PubAck:
    """Publish to the conversation's partition; acknowledged once the stream stored it.

    `publish_id` (default: the message id) is the `Nats-Msg-Id` JetStream de-duplicates on;
    `reply_to` asks the worker to send the outcome there too (the HTTP bridge).
    """
    headers = {"Nats-Msg-Id": publish_id or message.id}
    if reply_to:
        headers[REPLY_TO] = reply_to
    return await js.publish(
        layout.for_conversation(message.conversation_id), encode_message(message), headers=headers
    )
