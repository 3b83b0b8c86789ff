"""Children suspended because a space's rating rose are reinstated only by a moderator's
decision (an override, or clearing one) that brings the rating in force back within their
band: the platform is told (`space.member_reinstated`) and the override's audit entry names
them. An automatic fall of the content rating reinstates no one; adults and members suspended
for anything else are never touched.

Every message here is invented for the tests and kept mild; the "sexual" line only carries a
trigger word the detector counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from childsafe.spaces import rating as space_rating
from childsafe.store.db import Database
from childsafe.store.migrate import alembic_config
from childsafe.store.tables.cases import AuditEntry
from childsafe.store.tables.events import OutboxEvent
from childsafe.store.tables.service import Account
from childsafe.store.tables.spaces import Space, SpaceMember, SpaceRefusal
from tests.helpers.api import api_client, message, register

SEXUAL = "feeling so horny tonight"  # invented; the trigger word only
MEMBERS = {"grownup": "adult", "teen": "13_15", "older_teen": "16_17", "kid": "under_13"}


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    with api_client(database) as test_client:
        register(test_client, "owner", "adult")
        for account, band in MEMBERS.items():
            register(test_client, account, band)
        created = test_client.put(
            "/v1/spaces/lobby",
            json={"kind": "server", "owner_id": "owner", "members": list(MEMBERS)},
        )
        assert created.status_code == 201, created.text
        yield test_client


def _rise_to_18(client: TestClient) -> None:
    """Half of the window's messages sexual: the content calls for 18."""
    for text in ("gg everyone", SEXUAL, "see you tomorrow", SEXUAL):
        body = message(
            "owner",
            "grownup",
            text,
            conversation="lobby-chat",
            space_id="lobby",
            sent_at=datetime.now(UTC).isoformat(),
        )
        assert client.post("/v1/messages", json=body).status_code == 200


def _override(client: TestClient, rating: str | None, reason: str) -> dict[str, Any]:
    response = client.post(
        "/v1/spaces/lobby/rating-override", json={"rating": rating, "reason": reason}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _statuses(client: TestClient) -> dict[str, str]:
    members = client.get("/v1/spaces/lobby").json()["members"]
    return {m["account_id"]: m["status"] for m in members}


def _reinstated_events(database: Database) -> list[OutboxEvent]:
    with database.session() as session:
        return list(
            session.scalars(
                select(OutboxEvent)
                .where(OutboxEvent.type == "space.member_reinstated")
                .order_by(OutboxEvent.seq)
            )
        )


def _override_audit(database: Database) -> list[AuditEntry]:
    with database.session() as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.target_id == "lobby", AuditEntry.action.like("space.rating%"))
                .order_by(AuditEntry.seq)
            )
        )


def test_a_moderator_rating_within_a_band_reinstates_those_children_and_tells_the_platform(
    client: TestClient, database: Database
) -> None:
    _rise_to_18(client)
    assert _statuses(client) == {
        "owner": "active",
        "grownup": "active",
        "teen": "suspended",
        "older_teen": "suspended",
        "kid": "suspended",
    }

    reviewed = _override(client, "12", "reviewed: one crude joke, nothing more")
    assert reviewed["rating"] == "12"
    members = {m["account_id"]: m for m in reviewed["members"]}
    assert {a: m["status"] for a, m in members.items()} == {
        "owner": "active",
        "grownup": "active",
        "teen": "active",
        "older_teen": "active",
        "kid": "suspended",  # under-13s may join up to PG
    }
    assert members["teen"]["suspended_reason"] is None
    assert "suspended pending review" in members["kid"]["suspended_reason"]
    events = _reinstated_events(database)
    assert [e.data["account_id"] for e in events] == ["older_teen", "teen"]
    assert events[1].data == {
        "space_id": "lobby",
        "account_id": "teen",
        "age_band": "13_15",
        "rating": "12",
        "reasons": [
            "a moderator rated the space 12, within the 13_15 age band's 12: reinstated",
            "rated 12 by a moderator: reviewed: one crude joke, nothing more",
        ],
    }

    _override(client, "PG", "reviewed again: fine for everyone")
    assert set(_statuses(client).values()) == {"active"}
    assert [e.data["account_id"] for e in _reinstated_events(database)] == [
        "older_teen",
        "teen",
        "kid",
    ]
    audit = _override_audit(database)
    assert [entry.details["reinstated"] for entry in audit] == [["older_teen", "teen"], ["kid"]]
    assert all(entry.actor.startswith("api:") for entry in audit)


def test_an_automatic_fall_reinstates_no_one_until_a_moderator_decides(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _rise_to_18(client)
    # Eight days on, the content has left the window: the rating falls to U on its own.
    later = datetime.now(UTC) + timedelta(days=8)
    monkeypatch.setattr(space_rating, "utcnow", lambda: later)
    fallen = client.get("/v1/spaces/lobby").json()
    assert fallen["rating"] == "U" and fallen["history"][-1]["source"] == "content"
    assert _statuses(client)["teen"] == "suspended"
    assert _statuses(client)["kid"] == "suspended"
    assert _reinstated_events(database) == []

    # A moderator confirming U changes no rating, but it is the review: they are reinstated.
    _override(client, "U", "reviewed: a one-off, the space is fine now")
    assert set(_statuses(client).values()) == {"active"}
    assert [e.data["account_id"] for e in _reinstated_events(database)] == [
        "kid",
        "older_teen",
        "teen",
    ]


def test_clearing_an_override_is_a_decision_too_and_adults_are_never_touched(
    client: TestClient, database: Database
) -> None:
    _override(client, "18", "reviewed: adult themes")
    assert _statuses(client)["teen"] == "suspended"
    assert _statuses(client)["grownup"] == "active"
    cleared = _override(client, None, "reviewed: the adult themes were a misreading")
    assert cleared["rating"] == "U"
    assert set(_statuses(client).values()) == {"active"}
    events = _reinstated_events(database)
    assert "grownup" not in {e.data["account_id"] for e in events}
    assert events[0].data["reasons"][0] == (
        "after a moderator's review the space is rated U, within the under_13 age band's PG: "
        "reinstated"
    )
    audit = _override_audit(database)
    assert [e.action for e in audit] == [
        "space.rating_override",
        "space.rating_override_cleared",
    ]
    assert audit[0].details["reinstated"] == []
    assert audit[1].details["reinstated"] == ["kid", "older_teen", "teen"]


def test_a_member_suspended_for_another_reason_stays_suspended(
    client: TestClient, database: Database
) -> None:
    with database.session() as session:
        member = session.get_one(SpaceMember, ("lobby", "teen"))
        # Written directly: no such path exists yet, and a rating review must not undo it.
        member.status, member.suspended_for = "suspended", "platform"
        member.suspended_reason = "suspended by the platform"
    _rise_to_18(client)
    _override(client, "PG", "reviewed: harmless")
    statuses = _statuses(client)
    assert statuses["teen"] == "suspended" and statuses["older_teen"] == "active"
    assert "teen" not in {e.data["account_id"] for e in _reinstated_events(database)}


def test_the_migration_marks_the_suspensions_already_stored_as_the_ratings(
    database: Database,
) -> None:
    config = alembic_config(database.engine)
    command.downgrade(config, "spaces_0002")
    now = datetime.now(UTC)
    with database.session() as session:
        for account, band in (("owner", "adult"), ("teen", "13_15"), ("grownup", "adult")):
            session.add(Account(id=account, age_band=band, display_name=account, settings={}))
        session.flush()
        session.execute(
            insert(Space.__table__),
            [
                {
                    "id": "old",
                    "kind": "room",
                    "owner_id": "owner",
                    "declared_rating": "U",
                    "content_rating": "18",
                    "rating": "18",
                    "reasons": [],
                    "created_at": now,
                    "updated_at": now,
                }
            ],
        )
        session.execute(
            insert(SpaceMember.__table__).values(
                space_id="old",
                account_id="teen",
                status="suspended",
                joined_at=now,
                suspended_reason="the space is now rated 18: suspended pending review",
            )
        )
        session.execute(
            insert(SpaceMember.__table__).values(
                space_id="old", account_id="grownup", status="active", joined_at=now
            )
        )
        session.execute(
            insert(SpaceRefusal.__table__).values(
                space_id="old", account_id="teen", age_band="13_15", rating="18", at=now
            )
        )
    command.upgrade(config, "heads")
    with database.session() as session:
        suspended_for = {
            account: cause
            for account, cause in session.execute(
                select(SpaceMember.account_id, SpaceMember.suspended_for)
            )
        }
        refusal = session.scalars(select(SpaceRefusal)).one()
    assert suspended_for == {"teen": "rating", "grownup": None}
    assert refusal.invited_by is None
