"""The cases and decisions API and held-message review over HTTP, for platforms with their own
moderation tools: moderation scope only, the console's rules, audited as the calling key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from childsafe.api.app import create_app
from childsafe.api.auth import IssuedKey, KeyScope, create_api_key
from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry, CaseAction
from tests.helpers.cases import api_client, open_cases, scenario
from tests.helpers.decisions import events_of, report_groomer

World = tuple[Database, str, IssuedKey]


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    with api_client(database) as client:
        scenario(client)
        report_groomer(client, "wants_to_meet", "he wants to pick me up (invented)")
    with database.session() as session:
        moderation = create_api_key(session, "platform tools", (KeyScope.MODERATION,))
    yield database, open_cases(database)[0].id, moderation


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    database, _, moderation = world
    with TestClient(
        create_app(database), headers={"Authorization": f"Bearer {moderation.key}"}
    ) as client:
        yield client


def test_moderation_keys_list_cases_and_read_them_with_reasons(
    client: TestClient, world: World
) -> None:
    database, case_id, _ = world
    with database.session() as session:
        ingest = create_api_key(session, "ingest only", (KeyScope.INGEST,)).key
    with TestClient(create_app(database)) as anonymous:
        assert anonymous.get("/v1/cases").status_code == 401
        calls = [
            ("GET", "/v1/cases", None),
            ("GET", f"/v1/cases/{case_id}", None),
            ("POST", f"/v1/cases/{case_id}/decisions", {"decision": "warn", "reason": "x"}),
            ("GET", "/v1/held-messages", None),
            ("POST", "/v1/held-messages/m1/review", {"decision": "release", "reason": "x"}),
        ]
        for method, path, body in calls:
            response = anonymous.request(
                method, path, json=body, headers={"Authorization": f"Bearer {ingest}"}
            )
            assert response.status_code == 403, (path, response.text)
            assert "moderation scope" in response.json()["error"]["message"]
    assert events_of(database, "case.decided") == []

    everything = client.get("/v1/cases").json()
    assert [c["id"] for c in everything["cases"]] == [case_id]
    assert everything["cases"][0]["priority_reasons"]  # why it is urgent, in words
    assert client.get("/v1/cases", params={"suspect": "groomer"}).json()["cases"]
    assert client.get("/v1/cases", params={"suspect": "teen"}).json()["cases"] == []
    assert client.get("/v1/cases", params={"status": "closed"}).json()["cases"] == []
    later = client.get("/v1/cases", params={"since": "2999-01-01T00:00:00Z"}).json()
    assert later["cases"] == []
    assert client.get("/v1/cases", params={"limit": 1}).json()["next_cursor"] is None
    for params, status in (
        ({"status": "maybe"}, 422),
        ({"priority": "P9"}, 422),
        ({"cursor": "not-a-cursor"}, 422),
        ({"suspekt": "groomer"}, 422),
    ):
        assert client.get("/v1/cases", params=params).status_code == status, params

    case = client.get(f"/v1/cases/{case_id}").json()
    assert case["suspect_account_id"] == "groomer"
    assert {item["source"] for item in case["items"]} == {"alert", "report"}
    assert case["alerts"] and all(alert["reasons"] for alert in case["alerts"])
    assert case["reports"][0]["category"] == "wants_to_meet"
    assert case["held_messages"] and case["decisions"] == [] and case["matches"] == []
    assert client.get("/v1/cases/nope").status_code == 404


def test_a_key_decides_by_the_consoles_rules_as_itself_whatever_the_body_says(
    client: TestClient, world: World
) -> None:
    database, case_id, moderation = world
    path = f"/v1/cases/{case_id}/decisions"
    refer = client.post(path, json={"decision": "refer", "reason": "under 13"})
    assert refer.status_code == 403 and "second specialist" in refer.json()["error"]["message"]
    cases = [
        ({"decision": "ban", "reason": "x"}, 400, "unknown action"),
        ({"decision": "warn", "reason": "   "}, 400, "reason"),
        ({"decision": "warn"}, 422, "reason"),
        ({"decision": "close", "reason": "x"}, 409, "before closing"),
    ]
    for body, status, words in cases:
        response = client.post(path, json=body)
        assert response.status_code == status, (body, response.text)
        assert words in response.json()["error"]["message"], body
    unknown = client.post("/v1/cases/nope/decisions", json={"decision": "warn", "reason": "x"})
    assert unknown.status_code == 404
    assert events_of(database, "case.decided") == []
    naming = client.post(path, json={"decision": "warn", "reason": "x", "actor": "user:boss"})
    assert naming.status_code == 422  # a body cannot name who decided
    response = client.post(
        path, json={"decision": "restrict", "reason": "grooming a child", "automated": True}
    )
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["decided_by"] == f"api:{moderation.id}"
    assert answer["enforcement"] == "restrict_contact_with_children"
    with database.session() as session:
        action = session.get_one(CaseAction, answer["decision_id"])
        assert (action.actor, action.actor_user_id) == (f"api:{moderation.id}", None)
        actors = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.action == "case.restrict")
        ).all()
    assert actors == [f"api:{moderation.id}"]
    [decided] = events_of(database, "case.decided")
    assert decided["decided_by_kind"] == "automated"
    assert len(events_of(database, "report.outcome")) == 1
    shown = client.get(f"/v1/cases/{case_id}").json()["decisions"]
    assert shown[0]["decided_by"] == "API key platform tools"
    closed = client.post(path, json={"decision": "close", "reason": "done"})
    assert closed.status_code == 201 and closed.json()["status"] == "closed"


def test_held_messages_are_released_or_confirmed_over_the_api(
    client: TestClient, world: World
) -> None:
    database, case_id, moderation = world
    page = client.get("/v1/held-messages").json()
    assert page["total"] == len(page["held_messages"]) >= 2
    first, second = page["held_messages"][:2]
    assert first["case_id"] == case_id and first["age_seconds"] >= 0 and first["reasons"]
    path = "/v1/held-messages/{}/review"
    released = client.post(
        path.format(first["message_id"]), json={"decision": "release", "reason": "ok"}
    )
    assert released.status_code == 201, released.text
    assert released.json()["reviewed_by"] == f"api:{moderation.id}"
    again = client.post(
        path.format(first["message_id"]), json={"decision": "confirm", "reason": "no"}
    )
    assert again.status_code == 409
    bad = client.post(path.format(second["message_id"]), json={"decision": "delete", "reason": "x"})
    assert bad.status_code == 422
    assert (
        client.post(path.format("nope"), json={"decision": "release", "reason": "x"}).status_code
        == 404
    )
    assert [e["message_id"] for e in events_of(database, "message.released")] == [
        first["message_id"]
    ]
    assert client.get("/v1/held-messages").json()["total"] == page["total"] - 1
