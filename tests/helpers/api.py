"""Helpers for tests that drive the HTTP API: a client with a fresh key, accounts, messages."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from childsafe.api.app import create_app
from childsafe.api.auth import KeyScope, create_api_key
from childsafe.policy import Policy
from childsafe.screening import IncomingMessage
from childsafe.store.db import Database

_ids = itertools.count()


@contextmanager
def api_client(
    database: Database,
    policy: Policy | None = None,
    scopes: tuple[KeyScope, ...] = (KeyScope.INGEST, KeyScope.MODERATION),
) -> Iterator[TestClient]:
    """A client for a fresh app on `database` (and `policy`), authorised with a new key
    (by default one that both sends data and reads alerts back)."""
    with database.session() as session:
        key = create_api_key(session, "tests", scopes).key
    app = create_app(database)
    app.state.policy = policy
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as client:
        yield client


def register(client: TestClient, account_id: str, age_band: str, **extra: Any) -> dict[str, Any]:
    response = client.put(f"/v1/accounts/{account_id}", json={"age_band": age_band, **extra})
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def message(
    sender: str, recipient: str, text: str, conversation: str = "c1", **extra: Any
) -> dict[str, Any]:
    return {
        "id": extra.pop("id", f"m{next(_ids)}"),
        "conversation_id": conversation,
        "sender_id": sender,
        "recipient_ids": [recipient],
        "text": text,
        "sent_at": "2026-11-23T16:00:00Z",
        **extra,
    }


# An invented, non-graphic grooming-like exchange: flattery, secrecy, moving platform,
# personal details, a picture request and a meeting.
GROOMING_LINES = [
    "hey, you seem really mature for your age",
    "you can tell me anything, i'm a good listener",
    "this is just between us, don't tell your parents ok",
    "do you have snapchat? we can talk there instead",
    "what school do you go to? where do you live",
    "send me a pic of you",
    "we should meet up, i can pick you up after school",
]


START = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)


def grooming(conversation: str, pair: int) -> list[IncomingMessage]:
    """GROOMING_LINES from u{pair}a to u{pair}b, a minute apart, as the screener takes them."""
    return [
        IncomingMessage(
            id=f"{conversation}-m{n}",
            conversation_id=conversation,
            sender_id=f"u{pair}a",
            recipient_ids=(f"u{pair}b",),
            text=line,
            sent_at=START + timedelta(minutes=n),
        )
        for n, line in enumerate(GROOMING_LINES)
    ]


def page_link(
    client: TestClient,
    conversation: str | None = "conv-1",
    *,
    reporter: str = "kid",
    reported: str = "stranger",
    **headers: str,
) -> str:
    """The report page link the platform asks for (POST /v1/reports/page-link)."""
    response = client.post(
        "/v1/reports/page-link",
        json={
            "reporter_account_id": reporter,
            "reported_account_id": reported,
            "conversation_id": conversation,
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    url: str = response.json()["url"]
    return url
