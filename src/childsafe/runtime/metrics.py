"""Prometheus metrics of the message path, shared by `serve` and `worker` (one registry per
process, served by `operations.py` on a port of its own, never on the API's port).

Counts only: no message text, id or account ever becomes a label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

MESSAGES_SCREENED = Counter(
    "childsafe_messages_screened", "Messages answered (stored), by where they came in", ["path"]
)
VERDICTS = Counter("childsafe_verdicts", "Verdicts given, by kind", ["verdict"])
ALERTS = Counter("childsafe_alerts", "Alerts raised by screened messages")
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


def record_answer(answer: Mapping[str, Any], path: str = "stream") -> None:
    MESSAGES_SCREENED.labels(path).inc()
    VERDICTS.labels(answer["verdict"]).inc()
    if answer.get("alert_id"):
        ALERTS.inc()


def exposition() -> tuple[bytes, str]:
    """This process's metrics in the Prometheus text format, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
