"""GET /v1/events (the pull feed) and the webhook worker inside the app: a moderation key
pages through the events in order; a receiver that hangs never holds up POST /v1/messages."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from childsafe.api.app import create_app
from childsafe.api.auth import KeyScope, create_api_key
from childsafe.events import emit
from childsafe.events.delivery import DeliveryPolicy
from childsafe.events.webhooks import ALLOW_PRIVATE_ENV, add_subscription
from childsafe.runtime.settings import configure_webhooks
from childsafe.store.db import Database
from tests.events.receiver import receiver
from tests.helpers.api import GROOMING_LINES, message, register
from tests.helpers.events import case_opened


def bearer(database: Database, *scopes: KeyScope) -> dict[str, str]:
    with database.session() as session:
        return {"Authorization": f"Bearer {create_api_key(session, 'feed', scopes).key}"}


def test_the_feed_pages_by_cursor_filters_by_type_and_needs_moderation(
    database: Database,
) -> None:
    with database.session() as session:
        ids = [emit(session, "case.opened", case_opened(n)) for n in range(5)]
    moderation = bearer(database, KeyScope.MODERATION)
    with TestClient(create_app(database)) as client:
        assert (
            client.get("/v1/events", headers=bearer(database, KeyScope.INGEST)).status_code == 403
        )
        seen, cursor = [], "0"
        for _ in range(4):
            page = client.get(f"/v1/events?after={cursor}&limit=2", headers=moderation)
            assert page.status_code == 200, page.text
            seen += [event["id"] for event in page.json()["events"]]
            cursor = page.json()["next_cursor"]
        assert seen == ids
        first = client.get("/v1/events?limit=1", headers=moderation).json()["events"][0]
        assert set(first) == {"id", "type", "timestamp", "data"} and first["data"] == case_opened(0)
        other = client.get("/v1/events?types=alert.raised,media.match", headers=moderation)
        assert other.json() == {"events": [], "next_cursor": cursor}
        # 19 nines: past a 64-bit cursor, refused rather than a database error.
        refusals = ("after=abc", "after=-1", "after=" + "9" * 19, "types=case.x", "types=,")
        for bad in (*refusals, "limit=0"):
            refused = client.get(f"/v1/events?{bad}", headers=moderation)
            assert refused.status_code == 422, bad


def test_a_hanging_receiver_does_not_hold_up_the_message_path(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    with receiver() as hook:
        hook.released = threading.Event()
        with database.session() as session:
            _, hook.secret = add_subscription(session, hook.url, ["*"], created_by="tests")
        app = create_app(database)
        configure_webhooks(app.state, DeliveryPolicy(timeout=timedelta(seconds=30)))
        with TestClient(app, headers=bearer(database, KeyScope.INGEST)) as client:
            register(client, "suspect", "adult")
            register(client, "child", "under_13")
            first = client.post("/v1/messages", json=message("suspect", "child", "hi", "c-slow"))
            assert first.status_code == 200
            hook.wait_arrived()  # the worker is now stuck in a delivery
            started = time.monotonic()
            for line in GROOMING_LINES:
                sent = client.post("/v1/messages", json=message("suspect", "child", line, "c-slow"))
                assert sent.status_code == 200, sent.text
            took = time.monotonic() - started
            assert hook.received == []  # every message was answered while it hung
            hook.released.set()
            delivered = hook.wait_for(len(GROOMING_LINES))
    assert took < 10
    assert all(r.verified for r in delivered)
