"""Finding 8: rate limits per API key and per client address, 429 with Retry-After.

Each test sets a small limit through the environment before the app is made (the limits are
read once per app), on both backends: the limits sit in front of a real app and database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from childsafe.api.app import create_app
from childsafe.api.auth import create_api_key
from childsafe.runtime.rate_limits import PER_ADDRESS_ENV, PER_KEY_ENV, SWITCH_ENV
from childsafe.store.db import Database

# Part of the adversarial suite of issue 11: `pytest -m security` replays it.
pytestmark = pytest.mark.security

ROUTE = "/v1/reports/categories"  # any keyed route: the limit is in front of all of them


def new_key(database: Database) -> str:
    with database.session() as session:
        return create_api_key(session, "rate-limit-tests").key


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@contextmanager
def app_client(database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(database)) as client:
        yield client


def elsewhere(client: TestClient) -> TestClient:
    """The same app, reached from another client address (no second lifespan)."""
    return TestClient(client.app, client=("203.0.113.7", 50000))


def assert_throttled(response: Response, api: bool) -> None:
    assert response.status_code == 429, response.text
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    if api:
        assert "too many requests" in response.json()["error"]["message"]
    else:
        assert response.headers["content-type"].startswith("text/html")
        assert "Please wait" in response.text


def test_a_key_over_its_limit_gets_429_and_other_keys_go_on(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PER_KEY_ENV, "5/minute")
    busy, other = new_key(database), new_key(database)
    with app_client(database) as client:
        for _ in range(5):
            assert client.get(ROUTE, headers=bearer(busy)).status_code == 200
        assert_throttled(client.get(ROUTE, headers=bearer(busy)), api=True)
        # The message route's fast path is behind the limit too.
        assert_throttled(client.post("/v1/messages", headers=bearer(busy), json={}), api=True)
        assert client.get(ROUTE, headers=bearer(other)).status_code == 200


def test_pages_and_keyless_requests_are_limited_per_address(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PER_ADDRESS_ENV, "4/minute")
    monkeypatch.setenv(PER_KEY_ENV, "1000/minute")
    key = new_key(database)
    with app_client(database) as client:
        for _ in range(3):
            assert client.get("/console/login").status_code == 200
        assert client.get(ROUTE).status_code == 401  # no key: counted per address
        page = client.post("/report", data={"t": "x", "category": "wants_to_meet"})
        assert_throttled(page, api=False)
        assert "call 999" in page.text  # the child's page keeps its safety line
        assert_throttled(client.get("/console/login"), api=False)
        assert_throttled(client.get(ROUTE), api=True)
        # A random bearer header does not turn a page into a keyed request.
        assert_throttled(client.get("/console/login", headers=bearer("cs_made_up")), api=False)
        # A valid key has its own allowance; another address has its own.
        assert client.get(ROUTE, headers=bearer(key)).status_code == 200
        assert elsewhere(client).get("/console/login").status_code == 200


def test_an_address_sending_wrong_keys_is_paused_whatever_key_it_sends_next(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PER_ADDRESS_ENV, "3/minute")
    key = new_key(database)
    with app_client(database) as client:
        for attempt in range(4):
            assert client.get(ROUTE, headers=bearer(f"cs_guess{attempt}")).status_code == 401
        assert_throttled(client.get(ROUTE, headers=bearer("cs_guess-again")), api=True)
        assert_throttled(client.get(ROUTE, headers=bearer(key)), api=True)
        assert elsewhere(client).get(ROUTE, headers=bearer(key)).status_code == 200


def test_limits_come_from_the_environment(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PER_KEY_ENV, "lots")
    with pytest.raises(ValueError, match=PER_KEY_ENV):
        create_app(database)
    monkeypatch.setenv(PER_KEY_ENV, "2/minute")
    monkeypatch.setenv(SWITCH_ENV, "off")
    key = new_key(database)
    with app_client(database) as client:
        assert all(client.get(ROUTE, headers=bearer(key)).status_code == 200 for _ in range(5))
