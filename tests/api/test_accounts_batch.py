"""POST /v1/accounts:batch and POST /v1/connections:batch: per-item results, a bad item never
rejects the others, re-sending changes nothing, the single routes' rules hold."""

from __future__ import annotations

from typing import Any

from childsafe.api.auth import KeyScope
from childsafe.store.db import Database
from childsafe.store.tables.service import Account
from tests.helpers.api import api_client, register


def _statuses(body: dict[str, Any]) -> list[str]:
    return [result["status"] for result in body["results"]]


def test_accounts_batch_reports_each_item_and_is_idempotent(database: Database) -> None:
    items = [
        {"id": "kid1", "age_band": "13_15", "display_name": "Kid"},
        {"id": "adult1", "age_band": "adult", "settings": {"profile_visibility": "private"}},
        {"id": "bad id!", "age_band": "adult"},
        {"id": "kid2", "age_band": "eleven"},
        "not an object",
        {"id": "kid3", "age_band": "under_13", "settings": {"location_sharing": "everyone"}},
    ]
    with api_client(database) as client:
        first = client.post("/v1/accounts:batch", json={"items": items})
        again = client.post("/v1/accounts:batch", json={"items": items})
        kid = client.get("/v1/accounts/kid1").json()
    assert first.status_code == 200, first.text
    body = first.json()
    assert _statuses(body) == ["created", "created", "error", "error", "error", "created"]
    assert [r["index"] for r in body["results"]] == list(range(6))
    assert body["results"][2]["error"].startswith("id: ")
    assert body["results"][3]["error"].startswith("age_band: ")
    # A child's setting looser than the band's floor is refused, as PUT refuses it.
    (refused,) = body["results"][5]["not_applied"]
    assert refused["setting"] == "location_sharing" and refused["status"] == "refused"
    assert body["counts"] == {"created": 3, "error": 3}
    unchanged = ["unchanged", "unchanged", "error", "error", "error", "unchanged"]
    assert _statuses(again.json()) == unchanged
    assert kid["display_name"] == "Kid"
    assert kid["settings"]["profile_visibility"]["value"] == "private"


def test_accounts_batch_never_lowers_a_childs_protection(database: Database) -> None:
    with api_client(database) as client:
        register(client, "kid", "16_17")
        body = client.post(
            "/v1/accounts:batch",
            json={
                "items": [
                    {"id": "kid", "age_band": "adult"},
                    {
                        "id": "kid",
                        "age_band": "16_17",
                        "settings": {"profile_visibility": "public"},
                        "notice_acknowledged": True,
                    },
                    {"id": "kid", "age_band": "under_13", "display_name": "Younger"},
                ]
            },
        ).json()
    assert _statuses(body) == ["error", "error", "updated"]
    assert "PUT /v1/accounts/kid" in body["results"][0]["error"]
    assert "profile_visibility" in body["results"][1]["error"]
    with database.session() as session:
        kid = session.get(Account, "kid")
        assert kid is not None and kid.age_band == "under_13" and kid.settings == {}


def test_connections_batch_reports_each_pair(database: Database) -> None:
    with api_client(database) as client:
        for account, band in (("a", "adult"), ("b", "16_17"), ("c", "13_15")):
            register(client, account, band)
        items: list[Any] = [
            {"account_a": "b", "account_b": "a"},
            {"account_a": "a", "account_b": "b"},
            {"account_a": "a", "account_b": "ghost"},
            {"account_a": "c", "account_b": "c"},
            {"account_a": "c"},
            {"account_a": "b", "account_b": "c"},
        ]
        first = client.post("/v1/connections:batch", json={"items": items}).json()
        again = client.post("/v1/connections:batch", json={"items": items}).json()
        single = client.put("/v1/connections/a/b")
    assert _statuses(first) == ["created", "unchanged", "error", "error", "error", "created"]
    assert first["results"][2]["error"] == "unknown account(s): ghost"
    assert first["results"][3]["error"] == "an account cannot be connected to itself"
    assert first["results"][4]["error"].startswith("account_b: ")
    assert _statuses(again) == ["unchanged", "unchanged", "error", "error", "error", "unchanged"]
    assert single.status_code == 200  # the single route sees the batch's connection


def test_batches_need_the_ingest_scope_and_a_bounded_list(database: Database) -> None:
    with api_client(database, scopes=(KeyScope.MODERATION,)) as client:
        assert client.post("/v1/accounts:batch", json={"items": [{}]}).status_code == 403
        assert client.post("/v1/connections:batch", json={"items": [{}]}).status_code == 403
    with api_client(database) as client:
        assert client.post("/v1/accounts:batch", json={"items": []}).status_code == 422
        assert client.post("/v1/accounts:batch", json=[{"id": "x"}]).status_code == 422
        too_many: dict[str, list[Any]] = {"items": [{}] * 5001}
        assert client.post("/v1/connections:batch", json=too_many).status_code == 422
