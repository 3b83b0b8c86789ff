"""Prometheus metrics of the message path, shared by `serve` and `worker` (one registry per
process, served by `operations.py` on a port of its own, never on the API's port).

Counts only: no message text, id or account ever becomes a label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from childsafe.events.cursors import backlog
from childsafe.events.delivery import pending_deliveries
from childsafe.store.db import Database

MESSAGES_SCREENED = Counter(
    "childsafe_messages_screened", "Messages answered (stored), by where they came in", ["path"]
)
VERDICTS = Counter("childsafe_verdicts", "Verdicts given, by kind", ["verdict"])
ALERTS = Counter("childsafe_alerts", "Alerts raised by screened messages")
SHADOW_MATCHES = Counter(
    "childsafe_shadow_matches",
    "Screened messages a rule in shadow mode matched (not enforced), by rule",
    ["rule"],
)
BATCH_SECONDS = Histogram(
    "childsafe_screening_batch_seconds",
    "Time to screen, store and answer one batch (stream: one fetch)",
    ["path"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
CONSUMER_LAG = Gauge(
    "childsafe_consumer_lag", "Messages in a partition not yet delivered", ["partition"]
)
PARTITIONS_HELD = Gauge("childsafe_partitions_held", "Stream partitions this worker consumes")
DEAD_LETTERS = Counter(
    "childsafe_dead_letters", "Messages sent to the dead-letter subject", ["partition"]
)

WEBHOOK_DELIVERIES = Counter(
    "childsafe_webhook_deliveries",
    "Webhook delivery attempts by outcome: delivered, failed (to be retried), dead (given up: "
    "failed past the maximum age)",
    ["outcome"],
)
WEBHOOK_PENDING = Gauge(
    "childsafe_webhook_deliveries_pending", "Webhook deliveries queued or waiting for a retry"
)
EVENTS_BACKLOG = Gauge(
    "childsafe_events_backlog",
    "Events in the outbox a reader has not yet handed on (webhooks: fanned out; "
    "nats:<stream>: published)",
    ["reader"],
)
EVENTS_PUBLISHED = Counter(
    "childsafe_events_published", "Outbox events published to NATS JetStream (acknowledged)"
)
DELIVERY_OUTCOMES = {"delivered": "delivered", "pending": "failed", "dead": "dead"}
for _outcome in DELIVERY_OUTCOMES.values():
    WEBHOOK_DELIVERIES.labels(_outcome)  # each outcome shown from the start, at 0


def record_delivery(status: str) -> None:
    """A webhook delivery's status after an attempt (or after it expired unattempted)."""
    outcome = DELIVERY_OUTCOMES.get(status)
    if outcome is not None:  # "removed": its subscription went meanwhile
        WEBHOOK_DELIVERIES.labels(outcome).inc()


def observe_outbox(database: Database) -> None:
    """Read the outbox's backlogs from the database into their gauges (at each scrape: they
    are the whole deployment's, not this process's)."""
    with database.engine.connect() as connection:
        for reader, count in backlog(connection).items():
            EVENTS_BACKLOG.labels(reader).set(count)
        WEBHOOK_PENDING.set(pending_deliveries(connection))


def record_answer(answer: Mapping[str, Any], path: str = "stream") -> None:
    MESSAGES_SCREENED.labels(path).inc()
    VERDICTS.labels(answer["verdict"]).inc()
    if answer.get("alert_id"):
        ALERTS.inc()
    for reason in answer.get("shadow_reasons", ()):
        SHADOW_MATCHES.labels(reason["rule"]).inc()


def exposition() -> tuple[bytes, str]:
    """This process's metrics in the Prometheus text format, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
