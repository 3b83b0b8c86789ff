"""Helpers for the decisions, held-message and appeal tests (not a test module): the events a
change wrote to the outbox, read straight from its table (the feed's reader waits out gaps
that a rolled-back test transaction leaves)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from childsafe.store.db import Database
from childsafe.store.tables.events import OutboxEvent


def events_of(database: Database, event_type: str) -> list[dict[str, Any]]:
    """The data of every outbox event of that type, in the order written."""
    with database.session() as session:
        return [
            dict(data)
            for data in session.scalars(
                select(OutboxEvent.data)
                .where(OutboxEvent.type == event_type)
                .order_by(OutboxEvent.seq)
            )
        ]


def report_groomer(client: TestClient, category: str, details: str) -> str:
    """The child "kid" reports "groomer" (the scenario's suspect); returns the report id."""
    response = client.post(
        "/v1/reports",
        json={
            "reporter_account_id": "kid",
            "reported_account_id": "groomer",
            "category": category,
            "details": details,
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])
