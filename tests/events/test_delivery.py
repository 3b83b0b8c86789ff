"""Webhook delivery to a real local receiver that verifies every signature with the
standardwebhooks library: order, retries after a 500 and a timeout, dead letters after the
maximum age, manual redelivery, and claims that two workers never share."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from childsafe.events import emit
from childsafe.events.delivery import (
    DELIVERIES,
    DeliveryPolicy,
    claim_due,
    fan_out,
    http_client,
    list_deliveries,
    record_outcome,
    redeliver,
    redeliver_dead,
    send,
)
from childsafe.events.webhooks import ALLOW_PRIVATE_ENV, SUBSCRIPTIONS, add_subscription
from childsafe.events.worker import WebhookWorker
from childsafe.model.clock import utcnow
from childsafe.store.db import Database
from tests.events.receiver import Receiver, receiver
from tests.helpers.events import ALERT_RAISED, case_opened

# Retries due at once, so a test need not wait out a backoff.
NO_WAIT = DeliveryPolicy(timeout=timedelta(seconds=2), first_retry=timedelta(0))


@pytest.fixture
def hook(database: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    with receiver() as listening:
        with database.session() as session:
            _, listening.secret = add_subscription(
                session, listening.url, ["case.opened", "media.match"], created_by="tests"
            )
        yield listening


def attempt_all(database: Database, policy: DeliveryPolicy) -> list[str]:
    """One pass of a worker, in this thread: fan out, claim, send, record."""
    with database.session() as session:
        fan_out(session.connection())
    statuses = []
    with http_client(policy) as client:
        for claim in claim_due(database, policy, limit=100):
            outcome = send(client, claim.url, claim.secret, claim.event)
            statuses.append(record_outcome(database, claim, outcome, policy))
    return statuses


def test_the_worker_delivers_signed_events_in_order_and_only_wanted_types(
    database: Database, hook: Receiver
) -> None:
    with database.session() as session:
        ids = [emit(session, "case.opened", case_opened(n)) for n in range(5)]
        emit(session, "alert.raised", ALERT_RAISED)  # a type it did not subscribe to
    worker = WebhookWorker(database, NO_WAIT, poll_every=timedelta(milliseconds=50))
    worker.start()
    try:
        received = hook.wait_for(5)
    finally:
        worker.close()
    assert all(r.verified for r in received)
    assert [r.webhook_id for r in received] == ids
    assert [r.body["id"] for r in received if r.body] == ids
    assert received[0].body == {
        "id": ids[0],
        "type": "case.opened",
        "timestamp": received[0].body["timestamp"],
        "data": case_opened(0),
    }
    with database.session() as session:
        log = list_deliveries(session)
    assert len(log) == 5 and {d.status for d in log} == {"delivered"}


def test_a_receiver_that_keeps_up_gets_its_backlog_without_waiting_for_polls(
    database: Database, hook: Receiver
) -> None:
    """120 events are three claims' worth (40 each): with a 60 s poll they arrive only if
    each batch that went through is followed by the next claim at once."""
    with database.session() as session:
        ids = [emit(session, "case.opened", case_opened(n)) for n in range(120)]
    worker = WebhookWorker(database, NO_WAIT, poll_every=timedelta(seconds=60))
    worker.start()
    try:
        received = hook.wait_for(120, timeout=30)
    finally:
        worker.close()
    assert [r.webhook_id for r in received] == ids


def test_a_500_is_retried_under_the_same_id_then_delivered(
    database: Database, hook: Receiver
) -> None:
    hook.answers = [500]
    with database.session() as session:
        event_id = emit(session, "case.opened", case_opened(1))
    assert attempt_all(database, NO_WAIT) == ["pending"]
    with database.session() as session:
        (failed,) = list_deliveries(session)
    assert (failed.attempts, failed.last_status_code, failed.last_error) == (1, 500, "HTTP 500")
    assert attempt_all(database, NO_WAIT) == ["delivered"]
    assert [r.webhook_id for r in hook.received] == [event_id, event_id]
    with database.session() as session:
        (delivered,) = list_deliveries(session)
    assert (delivered.status, delivered.attempts, delivered.last_error) == ("delivered", 2, None)


def test_a_hanging_receiver_times_out_and_waits_its_backoff(
    database: Database, hook: Receiver
) -> None:
    import threading

    hook.released = threading.Event()
    policy = DeliveryPolicy(timeout=timedelta(seconds=0.3), first_retry=timedelta(hours=1))
    with database.session() as session:
        emit(session, "case.opened", case_opened(1))
    assert attempt_all(database, policy) == ["pending"]
    hook.released.set()
    with database.session() as session:
        (waiting,) = list_deliveries(session)
    assert waiting.last_error == "timed out waiting for the receiver"
    # Not due again yet: the backoff put it in the future.
    assert attempt_all(database, policy) == []


def test_past_the_maximum_age_a_delivery_is_dead_until_redelivered(
    database: Database, hook: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook.answers = [503, 503]
    # The next retry would fall past the maximum age: give up now. The jitter is pinned near
    # its cap: a draw under 30 s of the hour (1 in 120) would rightly schedule a retry.
    monkeypatch.setattr(random, "random", lambda: 0.99)
    short_life = DeliveryPolicy(
        timeout=timedelta(seconds=2), max_age=timedelta(seconds=30), first_retry=timedelta(hours=1)
    )
    with database.session() as session:
        emit(session, "case.opened", case_opened(1))
        emit(session, "case.opened", case_opened(2))
    assert attempt_all(database, short_life) == ["dead", "dead"]
    assert len(hook.received) == 2
    with database.session() as session:
        dead = list_deliveries(session, status="dead")
    assert len(dead) == 2
    assert all(d.last_error and "gave up" in d.last_error for d in dead)
    # Nothing claims a dead delivery...
    assert attempt_all(database, NO_WAIT) == []
    # ...until someone redelivers it: afresh, under the same event id.
    with database.session() as session:
        redeliver(session, dead[0].id)
    assert attempt_all(database, NO_WAIT) == ["delivered"]
    with database.session() as session:
        assert redeliver_dead(session) == 1
    assert attempt_all(database, NO_WAIT) == ["delivered"]
    assert [r.webhook_id for r in hook.received][-2:] == [dead[0].event_id, dead[1].event_id]


def test_a_delivery_queued_longer_than_the_maximum_age_dies_unsent(
    database: Database, hook: Receiver
) -> None:
    with database.session() as session:
        emit(session, "case.opened", case_opened(1))
    assert attempt_all(database, DeliveryPolicy(max_age=timedelta(0))) == []
    with database.session() as session:
        (dead,) = list_deliveries(session)
    assert dead.status == "dead" and dead.attempts == 0 and hook.received == []


def test_a_claimed_attempt_is_not_claimed_again(database: Database, hook: Receiver) -> None:
    with database.session() as session:
        emit(session, "case.opened", case_opened(1))
        emit(session, "case.opened", case_opened(2))
        fan_out(session.connection())
    first = claim_due(database, NO_WAIT, limit=1)
    second = claim_due(database, NO_WAIT, limit=10)
    assert len(first) == len(second) == 1
    assert first[0].delivery_id != second[0].delivery_id
    assert claim_due(database, NO_WAIT, limit=10) == []


def test_rows_locked_by_another_worker_are_skipped_on_postgresql(
    database: Database, hook: Receiver
) -> None:
    if database.is_sqlite:
        pytest.skip("SQLite has one writer process; SKIP LOCKED is PostgreSQL's")
    with database.session() as session:
        emit(session, "case.opened", case_opened(1))
        emit(session, "case.opened", case_opened(2))
        fan_out(session.connection())
    with database.engine.connect() as other_worker:
        with other_worker.begin():
            locked = other_worker.execute(
                select(DELIVERIES.c.id).order_by(DELIVERIES.c.event_seq).limit(1).with_for_update()
            ).scalar_one()
            claims = claim_due(database, NO_WAIT, limit=10)
            assert [c.delivery_id for c in claims] != [] and locked not in {
                c.delivery_id for c in claims
            }
        other_worker.execute(text("SELECT 1"))


def test_an_attempt_whose_worker_died_is_sent_again_after_its_lease(
    database: Database, hook: Receiver
) -> None:
    """A worker killed mid-delivery never records its attempt: once the lease runs out the
    delivery is claimed again and sent under the same event id (at least once)."""
    with database.session() as session:
        event_id = emit(session, "case.opened", case_opened(1))
        fan_out(session.connection())
    [lost] = claim_due(database, NO_WAIT, limit=10)  # ...and the process dies here
    assert claim_due(database, NO_WAIT, limit=10) == []  # leased: nobody else sends it
    with database.session() as session:
        session.execute(update(DELIVERIES).values(next_attempt_at=utcnow()))  # lease over
    assert attempt_all(database, NO_WAIT) == ["delivered"]
    assert lost.event["id"] == event_id and [r.webhook_id for r in hook.received] == [event_id]


def test_a_busy_receivers_backlog_leaves_the_others_theirs_in_order(
    database: Database, hook: Receiver
) -> None:
    """One receiver (hook) holds a delivery open with 40 more queued behind it: the worker
    passes it by and hands another receiver its own events, oldest first."""
    with database.session() as session:
        slow = hook_subscription_id(session, hook.url)
        other, _ = add_subscription(
            session, "http://127.0.0.1:9/other", ["case.opened"], created_by="tests"
        )
        for n in range(40):
            emit(session, "case.opened", case_opened(n))
        fan_out(session.connection())
    claims = claim_due(database, NO_WAIT, limit=5, busy={slow})
    assert {c.subscription_id for c in claims} == {other.id}
    assert [c.event["data"]["case_id"] for c in claims] == [f"case-{n}" for n in range(5)]
    assert {c.subscription_id for c in claim_due(database, NO_WAIT, limit=5)} == {slow, other.id}


def test_with_no_subscriber_for_a_type_the_fan_out_moves_past_it(
    database: Database, hook: Receiver
) -> None:
    with database.session() as session:
        for _ in range(3):
            emit(session, "alert.raised", ALERT_RAISED)  # nobody subscribed to it
        assert fan_out(session.connection()) == 0
        emit(session, "case.opened", case_opened(1))
        assert fan_out(session.connection()) == 1
    [claim] = claim_due(database, NO_WAIT, limit=10)
    assert claim.event["type"] == "case.opened"


def hook_subscription_id(session: Session, url: str) -> str:
    return str(
        session.execute(select(SUBSCRIPTIONS.c.id).where(SUBSCRIPTIONS.c.url == url)).scalar_one()
    )
