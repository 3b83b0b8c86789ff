"""/metrics counts webhook deliveries by outcome and shows the outbox's backlogs, scraped while
the app's own webhook worker (started by its lifespan) delivers to real local receivers."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from childsafe.api.app import create_app
from childsafe.events import emit
from childsafe.events.delivery import DeliveryPolicy
from childsafe.events.webhooks import ALLOW_PRIVATE_ENV, add_subscription
from childsafe.runtime.operations import operations_app
from childsafe.runtime.settings import configure_webhooks
from childsafe.store.db import Database
from tests.events.receiver import receiver
from tests.helpers.events import case_opened

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(operations: TestClient) -> Samples:
    response = operations.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def outcome(samples: Samples, name: str) -> float:
    return samples.get(("childsafe_webhook_deliveries_total", (("outcome", name),)), 0.0)


def test_deliveries_by_outcome_and_the_backlogs(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    operations = TestClient(operations_app(database, None))
    before = scrape(operations)
    # Retries due at once; a delivery still failing after 3 s is given up.
    policy = DeliveryPolicy(
        timeout=timedelta(seconds=2), first_retry=timedelta(0), max_age=timedelta(seconds=3)
    )
    with receiver() as recovering, receiver() as broken:
        recovering.answers = [500]  # then 204
        broken.answers = [500] * 1000
        with database.session() as session:
            _, recovering.secret = add_subscription(
                session, recovering.url, ["case.opened"], created_by="tests"
            )
            _, broken.secret = add_subscription(
                session, broken.url, ["case.opened"], created_by="tests"
            )
            emit(session, "case.opened", case_opened(1))
        waiting = scrape(operations)
        assert waiting[("childsafe_events_backlog", (("reader", "webhooks"),))] == 1
        assert waiting[("childsafe_webhook_deliveries_pending", ())] == 0  # not fanned out yet

        app = create_app(database)
        configure_webhooks(app.state, policy)
        with TestClient(app):  # its lifespan runs the webhook worker
            recovering.wait_for(2)
            deadline = time.monotonic() + 20
            while outcome(scrape(operations), "dead") == outcome(before, "dead"):
                assert time.monotonic() < deadline, "never given up"
                time.sleep(0.1)
    after = scrape(operations)
    assert outcome(after, "delivered") - outcome(before, "delivered") == 1
    assert outcome(after, "dead") - outcome(before, "dead") == 1
    # The recovering receiver's 500, and the broken one's failures but the one that gave up
    # (or all of them, when its delivery expired before another attempt).
    failed = outcome(after, "failed") - outcome(before, "failed")
    assert len(broken.received) >= 2
    assert failed in (len(broken.received), len(broken.received) + 1)
    assert after[("childsafe_events_backlog", (("reader", "webhooks"),))] == 0
    assert after[("childsafe_webhook_deliveries_pending", ())] == 0
    assert all(r.verified for r in recovering.received + broken.received)
