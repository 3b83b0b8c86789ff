"""Finding 3: idempotency that means it. A message id names one message: its conversation,
sender, recipients, sent_at and text. A retry of that message gets the stored answer; the id
with anything else is a 409, within one batch, across batches and across processes."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from childsafe.bench.api import server
from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.screening import IncomingMessage, MessageIdReused
from childsafe.screening.screener import Screener
from childsafe.store.db import Database
from childsafe.store.tables.service import Account
from tests.helpers.api import api_client, register

# Part of the adversarial suite of issue 11: `pytest -m security` replays it.
pytestmark = pytest.mark.security

ORIGINAL = {
    "id": "m-dup",
    "conversation_id": "c1",
    "sender_id": "adult",
    "recipient_ids": ["grown-up", "friend"],
    "text": "see you at practice",
    "sent_at": "2026-11-23T16:00:00Z",
}
ADULTS = ("adult", "grown-up", "friend")
CHANGED = {
    "a child instead of an adult": {"recipient_ids": ["grown-up", "kid"]},
    "another sender": {"sender_id": "friend", "recipient_ids": ["grown-up", "adult"]},
    "another conversation": {"conversation_id": "c2"},
    "another time": {"sent_at": "2026-11-23T16:00:01Z"},
    "another text": {"text": "see you at practice!"},
}


@pytest.mark.parametrize("change", sorted(CHANGED))
def test_the_id_with_anything_else_is_a_conflict(database: Database, change: str) -> None:
    with api_client(database) as client:
        for account in ADULTS:
            register(client, account, "adult")
        register(client, "kid", "under_13")
        first = client.post("/v1/messages", json=ORIGINAL)
        assert first.status_code == 200 and first.json()["verdict"] == "allow", first.text

        reused = client.post("/v1/messages", json={**ORIGINAL, **CHANGED[change]})

        assert reused.status_code == 409, reused.text
        assert "already used for a different message" in reused.json()["error"]["message"]


def test_a_true_retry_gets_the_stored_answer(database: Database) -> None:
    with api_client(database) as client:
        for account in ADULTS:
            register(client, account, "adult")
        first = client.post("/v1/messages", json=ORIGINAL)
        # The same instant written in another zone, the recipients in another order.
        again = {**ORIGINAL, "sent_at": "2026-11-23T17:00:00+01:00"}
        again["recipient_ids"] = ["friend", "grown-up"]
        retry = client.post("/v1/messages", json=again)
        assert first.status_code == retry.status_code == 200
        assert retry.json() == first.json()


def _incoming(text: str, recipient: str = "b") -> IncomingMessage:
    return IncomingMessage("dup", "c", "a", (recipient,), text, datetime(2026, 11, 23, tzinfo=UTC))


@pytest.mark.parametrize("stored_first", [False, True])
def test_copies_of_an_id_in_one_batch_are_each_held_against_the_first(
    database: Database, stored_first: bool
) -> None:
    with database.session() as session:
        session.add_all([Account(id=name, age_band="adult", settings={}) for name in "abk"])
    screener = Screener(database, Policy.default(), RiskTracker.default())
    original, different = _incoming("hello"), _incoming("hello", recipient="k")
    stored = screener.screen_batch([original])[0] if stored_first else None
    batch = [different, original, original, different]

    outcomes = screener.screen_batch(batch)

    # The id names the message stored first: before this batch, or its first copy in it.
    kept = original if stored_first else different
    answers = [outcome for m, outcome in zip(batch, outcomes, strict=True) if m == kept]
    assert isinstance(answers[0], dict) and answers[1] == answers[0]
    if stored_first:
        assert answers[0] == stored
    refused = [outcome for m, outcome in zip(batch, outcomes, strict=True) if m != kept]
    assert len(refused) == 2 and all(isinstance(o, MessageIdReused) for o in refused)


RETRY_THREADS = 12
RETRIES_EACH = 10


def test_concurrent_retries_against_a_live_server(db_url: str, tmp_path: Path) -> None:
    """Two screening processes (conversations spread over them), keep-alive clients in
    threads: identical retries all get the one answer, different ones all get a 409."""
    with server(db_url, tmp_path / "server.log", processes=2) as (base, key, _pid):
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=base, headers=headers) as client:
            for account in ADULTS:
                assert client.put(f"/v1/accounts/{account}", json={"age_band": "adult"}).is_success
            assert client.put("/v1/accounts/kid", json={"age_band": "under_13"}).is_success
            first = client.post("/v1/messages", json=ORIGINAL)
            assert first.status_code == 200, first.text
        # A stored id retried, and a new id whose copies race each other: one of each pair
        # of variants, sent by every thread, most at the same moment.
        stored_variants = [ORIGINAL, {**ORIGINAL, **CHANGED["a child instead of an adult"]}]
        fresh = {**ORIGINAL, "id": "m-race"}
        fresh_variants = [fresh, {**fresh, **CHANGED["another conversation"]}]
        results: list[tuple[str, int, int, Any]] = []
        start = threading.Barrier(RETRY_THREADS)

        def retry(worker: int) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                start.wait()
                for n in range(RETRIES_EACH):
                    for name, variants in (("stored", stored_variants), ("fresh", fresh_variants)):
                        variant = (worker + n) % 2
                        response = client.post("/v1/messages", json=variants[variant])
                        results.append((name, variant, response.status_code, response.json()))

        threads = [threading.Thread(target=retry, args=(w,)) for w in range(RETRY_THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    stored = [(v, status, body) for name, v, status, body in results if name == "stored"]
    assert {(v, status) for v, status, _ in stored} == {(0, 200), (1, 409)}
    assert all(body == first.json() for v, _, body in stored if v == 0)
    raced = [(v, status, body) for name, v, status, body in results if name == "fresh"]
    winners = {v for v, status, _ in raced if status == 200}
    assert len(winners) == 1, Counter((v, status) for v, status, _ in raced)
    [winner] = winners
    assert {(v, status) for v, status, _ in raced} == {(winner, 200), (1 - winner, 409)}
    answers = [body for v, _, body in raced if v == winner]
    assert all(body == answers[0] for body in answers)
