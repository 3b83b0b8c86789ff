"""Finding 2: one message the store cannot hold never harms another.

A live `childsafe serve` takes innocent messages on several keep-alive connections while
other connections send NUL-bearing bodies under every content type and encoding the app might
parse: every innocent message gets its verdict, every bad request a clear 4xx, nothing of
them is stored, and no connection is dropped. Behind the edge check, a batch whose write
fails because of one message is retried message by message, so only that message fails.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from childsafe.bench.api import server
from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.screening import IncomingMessage, MessageNotStored
from childsafe.screening.screener import Screener
from childsafe.store.db import Database
from childsafe.store.tables.service import Account, StoredMessage

# Part of the adversarial suite of issue 11: `pytest -m security` replays it.
pytestmark = pytest.mark.security

INNOCENT_SENDERS = 10
INNOCENT_EACH = 25
BAD_SENDERS = 3
BAD_ROUNDS = 4
LIMIT = 256 * 1024


def _message(id: str, text: str) -> dict[str, Any]:
    return {
        "id": id,
        "conversation_id": f"conv-{id}",
        "sender_id": "poison-sender",
        "recipient_ids": ["poison-kid"],
        "text": text,
        "sent_at": "2026-11-23T16:00:00Z",
    }


def _json(id: str) -> str:
    # json.dumps writes the NUL as the escape \u0000, as any JSON encoder does.
    return json.dumps(_message(id, "hello\u0000there"))


def bad_requests(round: int) -> list[tuple[str, str, bytes, dict[str, str], int]]:
    """(name, path, body, headers, expected status) for every way a NUL could come in."""
    json_type = {"Content-Type": "application/json"}
    report = json.dumps(
        {
            "reporter_account_id": "poison-kid",
            "reported_account_id": "poison-sender",
            "category": "made_me_uncomfortable",
            "details": "x\u0000",
        }
    ).encode()
    return [
        ("json", "/v1/messages", _json(f"b{round}-1").encode(), json_type, 422),
        (
            "json, odd case and charset",
            "/v1/messages",
            _json(f"b{round}-2").encode(),
            {"Content-Type": "Application/JSON; charset=UTF-8"},
            422,
        ),
        (
            "application/*+json",
            "/v1/messages",
            _json(f"b{round}-3").encode(),
            {"Content-Type": "application/vnd.childsafe+json"},
            422,
        ),
        ("no content type", "/v1/messages", _json(f"b{round}-4").encode(), {}, 422),
        (
            "text/json",
            "/v1/messages",
            _json(f"b{round}-5").encode(),
            {"Content-Type": "text/json"},
            422,
        ),
        ("UTF-16-LE", "/v1/messages", _json(f"b{round}-6").encode("utf-16-le"), json_type, 400),
        ("UTF-16 with BOM", "/v1/messages", _json(f"b{round}-7").encode("utf-16"), json_type, 400),
        ("UTF-32-BE", "/v1/messages", _json(f"b{round}-8").encode("utf-32-be"), json_type, 400),
        (
            "UTF-16 declared",
            "/v1/messages",
            _json(f"b{round}-9").encode("utf-16-be"),
            {"Content-Type": "application/json; charset=utf-16"},
            400,
        ),
        (
            "padded within the limit",
            "/v1/messages",
            b" " * (LIMIT - 4096) + _json(f"b{round}-10").encode(),
            json_type,
            422,
        ),
        (
            "padded past the limit",
            "/v1/messages",
            b" " * LIMIT + _json(f"b{round}-11").encode(),
            json_type,
            413,
        ),
        (
            "raw NUL byte in a JSON string",
            "/v1/messages",
            _json(f"b{round}-12").replace("\\u0000", "\x00").encode(),
            json_type,
            400,
        ),
        (
            "form",
            "/v1/messages",
            b"id=x&text=a%00b",
            {"Content-Type": "application/x-www-form-urlencoded"},
            422,
        ),
        ("report padded past the limit", "/v1/reports", b" " * LIMIT + report, json_type, 413),
    ]


def test_poison_requests_never_harm_innocent_messages(db_url: str, tmp_path: Path) -> None:
    with server(db_url, tmp_path / "server.log") as (base, key, _pid):
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=base, headers=headers) as client:
            for account, band in (("poison-sender", "adult"), ("poison-kid", "13_15")):
                assert client.put(f"/v1/accounts/{account}", json={"age_band": band}).is_success
            for i in range(INNOCENT_SENDERS):
                for account, band in ((f"s{i}", "adult"), (f"r{i}", "13_15")):
                    assert client.put(f"/v1/accounts/{account}", json={"age_band": band}).is_success
        innocent: list[int] = []
        bad: list[tuple[str, int, int, str]] = []
        dropped: list[str] = []
        start = threading.Barrier(INNOCENT_SENDERS + BAD_SENDERS)

        def send_innocent(worker: int) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                start.wait()
                for n in range(INNOCENT_EACH):
                    body = {
                        "id": f"ok-{worker}-{n}",
                        "conversation_id": f"c{worker}",
                        "sender_id": f"s{worker}",
                        "recipient_ids": [f"r{worker}"],
                        "text": f"good luck at the match tomorrow {n}",
                        "sent_at": "2026-11-23T16:00:00Z",
                    }
                    try:
                        innocent.append(client.post("/v1/messages", json=body).status_code)
                    except httpx.TransportError as error:
                        dropped.append(f"innocent: {error!r}")

        def send_bad(worker: int) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                start.wait()
                for round in range(BAD_ROUNDS):
                    for name, path, body, extra, expected in bad_requests(worker * 100 + round):
                        try:
                            response = client.post(path, content=body, headers=extra)
                        except httpx.TransportError as error:
                            dropped.append(f"{name}: {error!r}")
                            continue
                        bad.append((name, expected, response.status_code, response.text))

        threads = [
            threading.Thread(target=send_innocent, args=(w,)) for w in range(INNOCENT_SENDERS)
        ]
        threads += [threading.Thread(target=send_bad, args=(w,)) for w in range(BAD_SENDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert dropped == []
    assert innocent == [200] * (INNOCENT_SENDERS * INNOCENT_EACH)
    wrong = [(name, expected, got, text) for name, expected, got, text in bad if got != expected]
    assert wrong == []
    assert all("message" in json.loads(text)["error"] for *_, text in bad)
    database = Database(db_url)
    try:
        with database.session() as session:
            stored = session.scalar(select(func.count()).select_from(StoredMessage))
    finally:
        database.dispose()
    assert stored == INNOCENT_SENDERS * INNOCENT_EACH


def _incoming(id: str, text: str) -> IncomingMessage:
    return IncomingMessage(id, f"conv-{id}", "a", ("b",), text, datetime(2026, 11, 23, tzinfo=UTC))


def test_a_batch_the_store_refuses_is_retried_one_by_one(database: Database) -> None:
    """Defence in depth, below the API: a lone surrogate (no UTF-8 store holds it) and, on
    PostgreSQL, a NUL fail only their own message."""
    with database.session() as session:
        session.add_all(
            [Account(id="a", age_band="adult", settings={}), Account(id="b", age_band="adult")]
        )
    screener = Screener(database, Policy.default(), RiskTracker.default())
    unstorable = ["x\ud800y"]
    if database.engine.dialect.name == "postgresql":
        unstorable.append("x\x00y")
    batch = [_incoming("before", "hi")]
    batch += [_incoming(f"bad{i}", text) for i, text in enumerate(unstorable)]
    batch += [_incoming("after", "see you tomorrow")]

    outcomes = screener.screen_batch(batch)

    assert outcomes[0]["verdict"] == "allow"  # type: ignore[index]
    assert outcomes[-1]["verdict"] == "allow"  # type: ignore[index]
    for outcome in outcomes[1:-1]:
        assert isinstance(outcome, MessageNotStored)
        assert "could not be stored" in outcome.message
    with database.session() as session:
        assert set(session.scalars(select(StoredMessage.id))) == {"before", "after"}
    # The detector's memory follows what was committed: the next message carries on.
    again = screener.screen_batch([_incoming("later", "how was school")])
    assert again[0]["verdict"] == "allow"  # type: ignore[index]
