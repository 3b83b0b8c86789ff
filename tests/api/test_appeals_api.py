"""POST /v1/appeals: the platform forwards a user's appeal (ingest scope) and hears its status
and outcome from GET /v1/appeals/{id}; bad input gets a clear 4xx and stores nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from childsafe.api.app import create_app
from childsafe.api.auth import KeyScope, create_api_key
from childsafe.cases.actions import take_action
from childsafe.cases.appeals import decide_appeal
from childsafe.store.db import Database
from childsafe.store.tables.cases import Appeal, AuditEntry, ConsoleUser
from tests.helpers.cases import api_client, make_users, open_cases, scenario

World = tuple[Database, dict[str, ConsoleUser], str]


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    with api_client(database) as client:
        scenario(client)
    users = make_users(database)
    with database.session() as session:
        action = take_action(
            session, open_cases(database)[0].id, "restrict", users["mod"], "grooming a child"
        )
    yield database, users, action.id


def client_with(database: Database, *scopes: KeyScope) -> tuple[TestClient, str]:
    with database.session() as session:
        issued = create_api_key(session, "platform", scopes)
    client = TestClient(create_app(database), headers={"Authorization": f"Bearer {issued.key}"})
    return client, issued.id


def body(decision_id: str, **extra: object) -> dict[str, object]:
    return {
        "account_id": "groomer",
        "subject_type": "decision",
        "subject_id": decision_id,
        "statement": "I did nothing wrong (an invented test appeal)",
        **extra,
    }


def test_an_appeal_is_checked_filed_and_its_outcome_read_back(world: World) -> None:
    database, users, decision_id = world
    platform, key_id = client_with(database, KeyScope.INGEST)
    other, _ = client_with(database, KeyScope.INGEST)
    moderation, _ = client_with(database, KeyScope.MODERATION)
    refuses_bad_appeals(database, decision_id)
    with platform, other, moderation:
        refused = moderation.post("/v1/appeals", json=body(decision_id))
        assert refused.status_code == 403  # filing is the platform's ingest work
        filed = platform.post("/v1/appeals", json=body(decision_id, contact_preference="in_app"))
        assert filed.status_code == 201, filed.text
        receipt = filed.json()
        assert receipt["status"] == "pending"
        assert "not involved in the original decision" in receipt["next_steps"]
        assert receipt["id"] in receipt["next_steps"]
        again = platform.post("/v1/appeals", json=body(decision_id))
        assert again.status_code == 409 and "already under appeal" in again.text
        status = platform.get(f"/v1/appeals/{receipt['id']}").json()
        assert status["status"] == "pending" and status["outcome"] is None
        not_its_own = other.get(f"/v1/appeals/{receipt['id']}")
        assert not_its_own.status_code == 403
        assert "may read only the appeals it filed (moderation reads all)" in not_its_own.text
        with database.session() as session:
            decide_appeal(session, receipt["id"], "reversed", users["spec1"], "no grooming seen")
        decided = moderation.get(f"/v1/appeals/{receipt['id']}").json()
        assert (decided["status"], decided["outcome"]) == ("decided", "reversed")
        assert decided["reason"] == "no grooming seen" and "reversed" in decided["words"]
        assert platform.get("/v1/appeals/apl_none").status_code == 404
    with database.session() as session:
        actor = session.scalar(
            select(AuditEntry.actor).where(AuditEntry.action == "appeal.received")
        )
    assert actor == f"api:{key_id}"


def refuses_bad_appeals(database: Database, decision_id: str) -> None:
    """Bad input gets a clear 4xx and stores nothing; one appeal per decision."""
    platform, _ = client_with(database, KeyScope.INGEST)
    bad = [
        (body(decision_id, statement=""), 422),
        (body(decision_id, statement="   "), 400),
        (body(decision_id, subject_type="account"), 422),
        (body(decision_id, decided_by="user:boss"), 422),
        (body(decision_id, contact_preference="carrier pigeon"), 422),
        (body("act_unknown"), 404),
        (body(decision_id, account_id="kid"), 404),
        (body(decision_id, account_id="nobody"), 404),
        (body(decision_id, subject_type="held_message"), 404),
    ]
    with platform:
        for appeal, status in bad:
            response = platform.post("/v1/appeals", json=appeal)
            assert response.status_code == status, (appeal, response.text)
            assert response.json()["error"]["message"]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Appeal)) == 0
