import threading
from typing import Any

from prometheus_client import REGISTRY
from sqlalchemy import func, select

from childsafe.store.db import Database
from childsafe.store.tables.service import Alert, StoredMessage
from tests.helpers.api import GROOMING_LINES, api_client, message, register


def test_every_v1_route_needs_a_valid_key(database: Database) -> None:
    with api_client(database) as client:
        for headers in ({"Authorization": ""}, {"Authorization": "Bearer cs_wrong"}):
            response = client.get("/v1/accounts/x", headers=headers)
            assert response.status_code == 401
            assert "API key" in response.json()["error"]["message"]
            assert response.headers["www-authenticate"] == "Bearer"
        response = client.post("/v1/messages", json={}, headers={"Authorization": "Basic abc"})
        assert response.status_code == 401
        assert client.get("/v1/accounts/x").status_code == 404


def test_revoked_key_is_refused(database: Database) -> None:
    from childsafe.api.auth import create_api_key, revoke_api_key

    with database.session() as session:
        issued = create_api_key(session, "revoked")
        revoke_api_key(session, issued.id)
    with api_client(database) as client:
        response = client.get("/v1/alerts", headers={"Authorization": f"Bearer {issued.key}"})
        assert response.status_code == 401


def test_register_a_child_with_safe_defaults_and_standards(database: Database) -> None:
    with api_client(database) as client:
        response = client.put("/v1/accounts/kid", json={"age_band": "under_13"})
        assert response.status_code == 201
        settings = response.json()["settings"]
        assert settings["profile_visibility"]["value"] == "private"
        assert settings["location_sharing"]["value"] == "off"
        assert "ICO" in settings["profiling"]["standard"]
        assert client.put("/v1/accounts/kid", json={"age_band": "under_13"}).status_code == 200
        got = client.get("/v1/accounts/kid").json()
        assert got["age_band"] == "under_13" and got["settings"] == settings


def test_loosening_needs_notice_and_never_passes_the_floor(database: Database) -> None:
    with api_client(database) as client:
        register(client, "teen", "16_17")
        ask = {"age_band": "16_17", "settings": {"profile_visibility": "public"}}
        first = client.put("/v1/accounts/teen", json=ask).json()
        assert first["changes"][0]["status"] == "needs_notice"
        assert first["settings"]["profile_visibility"]["value"] == "private"
        second = client.put("/v1/accounts/teen", json={**ask, "notice_acknowledged": True}).json()
        assert second["changes"][0]["status"] == "applied"
        assert second["settings"]["profile_visibility"]["value"] == "public"
        floor = client.put(
            "/v1/accounts/teen",
            json={
                "age_band": "16_17",
                "settings": {"location_sharing": "everyone"},
                "notice_acknowledged": True,
            },
        ).json()
        assert floor["changes"][0]["status"] == "refused"
        assert (
            client.get("/v1/accounts/teen").json()["settings"]["location_sharing"]["value"] == "off"
        )


def test_bad_input_is_a_clear_4xx(database: Database) -> None:
    with api_client(database) as client:
        cases: list[tuple[Any, int, str]] = [
            (client.put("/v1/accounts/a", json={"age_band": "toddler"}), 422, "age_band"),
            (client.put("/v1/accounts/a", json={"age_band": 5}), 422, "age_band"),
            (
                client.put(
                    "/v1/accounts/a",
                    content=b'{"age_band": ',
                    headers={"Content-Type": "application/json"},
                ),
                422,
                "JSON",
            ),
            (
                client.put("/v1/accounts/a", json={"age_band": "adult", "settings": {"x": "on"}}),
                422,
                "settings.x",
            ),
            (client.post("/v1/messages", json=message("a", "a", "hi")), 422, "sender"),
            (client.post("/v1/messages", json=message("nobody", "noone", "hi")), 404, "nobody"),
            (
                client.post("/v1/messages", json={**message("a", "b", "hi"), "sent_at": "x"}),
                422,
                "sent_at",
            ),
            (client.put("/v1/connections/a/a"), 422, "itself"),
            (client.put("/v1/connections/a/ghost"), 404, "ghost"),
            (client.get("/v1/alerts?cursor=%%%"), 422, "cursor"),
            (client.get("/v1/alerts?limit=0"), 422, "limit"),
            (client.get("/v1/alerts?priority=high&priority=low"), 422, "more than once"),
            (client.get("/v1/alerts?priorty=high"), 422, "unknown query parameter"),
        ]
        for response, status, words in cases:
            assert response.status_code == status, response.text
            assert words.lower() in response.json()["error"]["message"].lower(), response.text
        big = {"age_band": "adult", "display_name": "x" * 300_000}
        response = client.put("/v1/accounts/a", json=big)
        assert response.status_code == 413
        assert "too large" in response.json()["error"]["message"]
        too_long = message("a", "b", "x" * 5_001)
        assert client.post("/v1/messages", json=too_long).status_code == 422


def test_stranger_adult_dm_to_child_is_held(database: Database) -> None:
    with api_client(database) as client:
        register(client, "adult30", "adult")
        register(client, "kid12", "under_13")
        answer = client.post("/v1/messages", json=message("adult30", "kid12", "hi there")).json()
        assert answer["verdict"] == "hold"
        assert answer["reasons"][0]["rule"] == "stranger_to_child_held"
        assert answer["reasons"][0]["signals"]["contact.reason"] == "stranger_to_child"
        assert answer["recipient_notice"] is None


def test_child_stranger_becomes_a_message_request_until_connected(database: Database) -> None:
    with api_client(database) as client:
        register(client, "kid_a", "13_15")
        register(client, "kid_b", "13_15")
        request = client.post("/v1/messages", json=message("kid_a", "kid_b", "hi", "cq")).json()
        assert request["verdict"] == "hold"
        assert request["reasons"][0]["rule"] == "message_request"
        assert "accept" in request["recipient_notice"]
        assert client.put("/v1/connections/kid_b/kid_a").status_code == 201
        assert client.put("/v1/connections/kid_a/kid_b").status_code == 200
        allowed = client.post("/v1/messages", json=message("kid_a", "kid_b", "hi", "cq")).json()
        assert allowed == {**allowed, "verdict": "allow", "reasons": [], "alert_id": None}
        assert client.delete("/v1/connections/kid_a/kid_b").status_code == 204
        again = client.post("/v1/messages", json=message("kid_a", "kid_b", "hi", "cq")).json()
        assert again["verdict"] == "hold"


def test_an_account_change_applies_to_the_next_message(database: Database) -> None:
    with api_client(database) as client:
        register(client, "teen", "16_17")
        register(client, "kid", "13_15")
        first = client.post("/v1/messages", json=message("teen", "kid", "hi", "cb")).json()
        assert first["reasons"][0]["rule"] == "message_request"
        register(client, "teen", "adult")  # the platform learned the sender's real age
        second = client.post("/v1/messages", json=message("teen", "kid", "hi", "cb")).json()
        assert second["reasons"][0]["rule"] == "stranger_to_child_held"


def _groom(client: Any, conversation: str = "groom") -> list[dict[str, Any]]:
    register(client, "adult30", "adult")
    register(client, "kid12", "under_13")
    client.put("/v1/connections/adult30/kid12")  # accepted, so the gate lets it through
    return [
        client.post("/v1/messages", json=message("adult30", "kid12", line, conversation)).json()
        for line in GROOMING_LINES
    ]


def test_grooming_conversation_raises_an_alert_with_reasons(database: Database) -> None:
    with api_client(database) as client:
        answers = _groom(client)
        assert answers[0]["verdict"] == "allow"
        alert_ids = [a["alert_id"] for a in answers if a["alert_id"]]
        assert alert_ids, answers
        secrecy = answers[2]
        assert secrecy["verdict"] == "warn"
        assert any(r["rule"] == "secrecy_request_to_child" for r in secrecy["reasons"])
        # The detector alerts by the secrecy request (adult -> under 13 after flattery and a
        # parents check): the child gets the alert's notice, which outranks secrecy's own.
        assert secrecy["alert_id"] and "trick you" in secrecy["recipient_notice"]
        meeting = answers[-1]
        assert meeting["verdict"] == "hold"
        risks = [a["conversation_risk"] for a in answers]
        assert risks[-1] > risks[0]

        page = client.get("/v1/alerts").json()
        assert [a["id"] for a in page["alerts"]] == list(reversed(alert_ids))
        newest = page["alerts"][0]
        assert newest["suspect_account_id"] == "adult30"
        assert newest["victim_account_ids"] == ["kid12"]
        assert newest["reasons"] and newest["rules"]
        assert "meeting" in newest["cues"]
        assert client.get(f"/v1/alerts/{newest['id']}").json() == newest
        assert client.get("/v1/alerts/none").status_code == 404


def test_alerts_filter_and_paginate(database: Database) -> None:
    with api_client(database) as client:
        _groom(client, "g1")
        _groom(client, "g2")
        everything = client.get("/v1/alerts").json()["alerts"]
        assert len(everything) >= 4
        seen, cursor = [], None
        while True:
            params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
            page = client.get("/v1/alerts", params=params).json()
            seen += page["alerts"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert [a["id"] for a in seen] == [a["id"] for a in everything]
        only = client.get("/v1/alerts", params={"conversation_id": "g2"}).json()["alerts"]
        assert only and {a["conversation_id"] for a in only} == {"g2"}
        high = client.get("/v1/alerts", params={"priority": "high"}).json()["alerts"]
        assert high and {a["priority"] for a in high} == {"high"}
        none = client.get("/v1/alerts", params={"suspect_account_id": "kid12"}).json()
        assert none == {"alerts": [], "next_cursor": None}


def test_retries_are_idempotent_even_when_concurrent(database: Database) -> None:
    with api_client(database) as client:
        register(client, "adult30", "adult")
        register(client, "kid12", "under_13")
        client.put("/v1/connections/adult30/kid12")
        body = message("adult30", "kid12", "this is just between us ok", id="retry-1")
        answers: list[Any] = []

        def send() -> None:
            answers.append(client.post("/v1/messages", json=body))

        threads = [threading.Thread(target=send) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert {r.status_code for r in answers} == {200}
        assert len({r.text for r in answers}) == 1
        assert client.post("/v1/messages", json=body).json() == answers[0].json()
        reused = client.post("/v1/messages", json={**body, "text": "other"})
        assert reused.status_code == 409
        with database.session() as session:
            stored = session.scalar(select(func.count()).select_from(StoredMessage))
            alerts = session.scalar(select(func.count()).select_from(Alert))
        assert stored == 1
        assert alerts == (1 if answers[0].json()["alert_id"] else 0)


def test_a_restart_continues_each_conversation_where_it_was(database: Database) -> None:
    with api_client(database) as client:
        straight = _groom(client, "straight")
    half = len(GROOMING_LINES) // 2
    with api_client(database) as client:
        first = [
            client.post("/v1/messages", json=message("adult30", "kid12", line, "resumed")).json()
            for line in GROOMING_LINES[:half]
        ]
    with api_client(database) as client:  # a new app: the detector state comes from the store
        second = [
            client.post("/v1/messages", json=message("adult30", "kid12", line, "resumed")).json()
            for line in GROOMING_LINES[half:]
        ]

    def comparable(answer: dict[str, Any]) -> tuple[Any, ...]:
        drivers = [[m["excerpt"] for m in r.get("messages") or []] for r in answer["reasons"]]
        return answer["verdict"], answer["conversation_risk"], bool(answer["alert_id"]), drivers

    assert [comparable(a) for a in first + second] == [comparable(a) for a in straight]


def test_each_alert_opens_or_updates_the_suspects_case_in_the_same_transaction(
    database: Database,
) -> None:
    from childsafe.store.tables.cases import Case, CaseItem

    with api_client(database) as client:
        alert_ids = {a["alert_id"] for a in _groom(client) if a["alert_id"]}
    assert alert_ids
    with database.session() as session:
        cases = list(session.scalars(select(Case).where(Case.suspect_account_id == "adult30")))
        items = {
            i.source_id for i in session.scalars(select(CaseItem).where(CaseItem.source == "alert"))
        }
    assert len(cases) == 1
    assert items == alert_ids


def test_a_shadow_rule_is_reported_but_not_enforced(database: Database) -> None:
    from childsafe.policy import Policy

    trial = {
        "id": "trial_block_hello",
        "description": "trial: block greetings",
        "when": {"connected": True},
        "verdict": "block",
        "alert": "high",
        "shadow": True,
    }
    policy = Policy.from_mapping({"version": 1, "rules": [trial]})

    def counted() -> float:
        labels = {"rule": "trial_block_hello"}
        return REGISTRY.get_sample_value("childsafe_shadow_matches_total", labels) or 0.0

    before = counted()
    with api_client(database, policy) as client:
        register(client, "kid_a", "13_15")
        register(client, "kid_b", "13_15")
        client.put("/v1/connections/kid_a/kid_b")
        answer = client.post("/v1/messages", json=message("kid_a", "kid_b", "hello")).json()
    assert answer["verdict"] == "allow" and answer["alert_id"] is None
    assert [r["rule"] for r in answer["shadow_reasons"]] == ["trial_block_hello"]
    assert counted() == before + 1  # how often the trial rule would have acted, per rule
