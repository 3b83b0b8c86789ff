"""Reading a request body in an ASGI middleware and handing it on to the app unchanged."""

from __future__ import annotations

from starlette.types import Message, Receive

from childsafe.api.errors import MAX_BODY_BYTES


async def read_body(receive: Receive) -> tuple[bytes, bool]:
    """The request body, and False when it stopped early (over the limit or a disconnect)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return b"".join(chunks), False
        if not message.get("more_body", False):
            return b"".join(chunks), True


def replay_body(body: bytes, complete: bool, receive: Receive) -> Receive:
    """`receive` for the app: what was read already, then the rest from the client."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": not complete}

    return replay
