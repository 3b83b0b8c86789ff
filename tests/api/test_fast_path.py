"""POST /v1/messages' fast path: the plain case answered directly, everything else by the route."""

from __future__ import annotations

import json
from typing import Any

from childsafe.api.messages import MessagesFastPath
from childsafe.store.db import Database
from tests.helpers.api import api_client, message, register


class _Route:
    """Stands in for the FastAPI app behind the fast path: records what reaches it."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body = b""
        while True:
            event = await receive()
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def _call(client: Any, key: str, body: bytes, **overrides: Any) -> tuple[int, bytes, _Route]:
    route = _Route()
    headers = [(b"authorization", f"Bearer {key}".encode()), (b"content-type", b"application/json")]
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/messages",
        "query_string": b"",
        "headers": headers,
        "app": client.app,
        **overrides,
    }
    chunks = [body[: len(body) // 2], body[len(body) // 2 :]]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        chunk = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(event: dict[str, Any]) -> None:
        sent.append(event)

    async def run() -> None:
        # The screener answers through the running loop, so run it on the client's portal.
        await MessagesFastPath(route)(scope, receive, send)

    client.portal.call(run)
    status = sent[0]["status"]
    return status, b"".join(e.get("body", b"") for e in sent[1:]), route


def test_the_plain_case_is_answered_like_the_route_and_the_rest_goes_to_it(
    database: Database,
) -> None:
    with api_client(database) as client:
        key = client.headers["Authorization"].removeprefix("Bearer ")
        register(client, "ana", "adult")
        register(client, "bo", "13_15")
        client.put("/v1/connections/ana/bo")
        # Through the route (a charset in the content type is not the plain case): warms the
        # key cache and stores the answer.
        first = message("ana", "bo", "this is just between us ok")
        routed = client.post(
            "/v1/messages",
            content=json.dumps(first),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        assert routed.status_code == 200, routed.text

        # The retry takes the fast path and gets the same stored answer.
        status, body, route = _call(client, key, json.dumps(first).encode())
        assert (status, route.bodies) == (200, [])
        assert json.loads(body) == routed.json()

        # Screening errors come back as the route's JSON errors.
        status, body, route = _call(client, key, json.dumps(message("ana", "ghost", "hi")).encode())
        assert (status, route.bodies) == (404, [])
        assert "ghost" in json.loads(body)["error"]["message"]
        reused = {**first, "text": "something else"}
        status, body, route = _call(client, key, json.dumps(reused).encode())
        assert (status, route.bodies) == (409, [])

        # Everything else reaches the route with its body intact.
        fresh = json.dumps(message("ana", "bo", "hi")).encode()
        others: list[tuple[bytes, dict[str, Any]]] = [
            (b'{"id": ', {}),  # malformed JSON
            (json.dumps({**message("ana", "bo", "hi"), "extra": 1}).encode(), {}),
            (fresh, {"query_string": b"x=1"}),
            (fresh, {"headers": [(b"authorization", f"Bearer {key}".encode())]}),
            (fresh, {"headers": [(b"authorization", b"Bearer cs_wrong")]}),
            (b'{"text": "' + b"x" * 300_000 + b'"}', {}),
        ]
        for body_sent, overrides in others:
            status, _, route = _call(client, key, body_sent, **overrides)
            assert (status, route.bodies) == (299, [body_sent]), overrides


def test_the_app_answers_both_paths_with_the_documented_errors(database: Database) -> None:
    with api_client(database) as client:
        register(client, "ana", "adult")
        register(client, "bo", "13_15")
        plain = client.post("/v1/messages", json=message("ana", "bo", "hello"))
        assert plain.status_code == 200 and plain.json()["verdict"] == "hold"
        assert client.post("/v1/messages?x=1", json=message("ana", "bo", "hi")).status_code == 422
        too_big = client.post(
            "/v1/messages",
            content=b'{"text": "' + b"x" * 300_000 + b'"}',
            headers={"Content-Type": "application/json"},
        )
        assert too_big.status_code == 413 and "too large" in too_big.json()["error"]["message"]
        wrong_key = client.post(
            "/v1/messages",
            json=message("ana", "bo", "hi"),
            headers={"Authorization": "Bearer cs_wrong"},
        )
        assert wrong_key.status_code == 401
