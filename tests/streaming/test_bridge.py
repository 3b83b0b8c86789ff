"""`serve --stream`: POST /v1/messages publishes to the stream and answers with the worker's
verdict: the same answers and errors as the plain path. (Invented, mild test messages.)"""

from __future__ import annotations

import threading
from typing import Any

from childsafe.runtime.messages import use_message_path
from childsafe.store.db import Database
from childsafe.streaming.bridge import StreamBridge
from childsafe.streaming.layout import StreamLayout
from tests.helpers.api import GROOMING_LINES, api_client, message
from tests.streaming.conftest import add_accounts


def test_http_bridge_answers_through_the_workers(
    nats_url: str, layout: StreamLayout, database: Database, worker_thread: Any
) -> None:
    add_accounts(database, 1)
    worker_thread()
    bridge = StreamBridge(nats_url, layout, timeout_s=20)
    with api_client(database) as client:
        use_message_path(client.app.state, bridge)  # type: ignore[attr-defined]
        sent = [
            message("u0a", "u0b", line, conversation="bridge.chat", id=f"b{n}")
            for n, line in enumerate(GROOMING_LINES)
        ]
        answers = []
        for body in sent:
            response = client.post("/v1/messages", json=body)
            assert response.status_code == 200, response.text
            answers.append(response.json())
        assert bridge.connected
        assert answers[-1]["alert_id"] and answers[-1]["verdict"] != "allow"
        # A retry gets the stored answer; the id under other content is refused.
        assert client.post("/v1/messages", json=sent[-1]).json() == answers[-1]
        reused = client.post("/v1/messages", json={**sent[0], "text": "something else"})
        assert reused.status_code == 409, reused.text
        stranger = client.post("/v1/messages", json=message("nobody", "u0b", "hi", id="b-x"))
        assert stranger.status_code == 404
        assert "unknown account(s): nobody" in stranger.text
        # Bad input is refused at the edge, as on the plain path: nothing is published.
        assert client.post("/v1/messages", json={"id": "b-y"}).status_code == 422
        alerts = client.get("/v1/alerts", params={"conversation_id": "bridge.chat"}).json()
    assert {alert["id"] for alert in alerts["alerts"]} == {
        answer["alert_id"] for answer in answers if answer["alert_id"]
    }


def test_serve_started_before_any_worker_waits_for_one(
    nats_url: str, layout: StreamLayout, database: Database, worker_thread: Any
) -> None:
    """Compose starts serve before the workers: the bridge creates the streams it publishes
    to, so the first message waits in the stream for a worker instead of being refused."""
    add_accounts(database, 1)
    bridge = StreamBridge(nats_url, layout, timeout_s=20)
    late_worker = threading.Timer(1.0, worker_thread)
    with api_client(database) as client:
        use_message_path(client.app.state, bridge)  # type: ignore[attr-defined]
        late_worker.start()
        try:
            response = client.post("/v1/messages", json=message("u0a", "u0b", "hi", id="first"))
        finally:
            late_worker.join()
    assert response.status_code == 200, response.text
    assert response.json()["verdict"] == "allow"
