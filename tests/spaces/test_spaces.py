"""Spaces end to end: register, rating rising with what is sent, children gated with a
supportive notice and suspended when the rating rises above their band (the platform told by
events), the owner's floor, a moderator's audited override, and an adult inviting unconnected
children screened into the moderators' queue.

Every message here is invented for the tests and kept mild; the "sexual" lines only carry the
trigger words the detector counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from childsafe.api.auth import KeyScope, create_api_key
from childsafe.model import AgeBand
from childsafe.spaces.ratings import Rating, WindowCounts, allowed, content_rating
from childsafe.spaces.registry import unconnected_invites
from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry, Case, CaseItem
from childsafe.store.tables.events import OutboxEvent
from childsafe.store.tables.spaces import SpaceRatingBucket, SpaceRefusal
from childsafe.transparency.figures import compute_figures
from tests.helpers.api import api_client, message, register
from tests.helpers.images import encode

ORDINARY = ["anyone up for the match later", "that level was so hard", "gg everyone"]
SEXUAL = "feeling so horny tonight"  # invented; the trigger word only


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    with api_client(database) as test_client:
        for account, band in (
            ("owner", "adult"),
            ("grownup", "adult"),
            ("teen", "13_15"),
            ("older_teen", "16_17"),
            ("kid", "under_13"),
            ("kid2", "under_13"),
            ("kid3", "under_13"),
        ):
            register(test_client, account, band)
        yield test_client


def _send(client: TestClient, text: str, space: str = "lobby", n: int = 1) -> None:
    for _ in range(n):
        body = message(
            "owner",
            "grownup",
            text,
            conversation="lobby-chat",
            space_id=space,
            sent_at=datetime.now(UTC).isoformat(),
        )
        response = client.post("/v1/messages", json=body)
        assert response.status_code == 200, response.text


def test_rating_rises_with_sexual_content_and_children_above_it_are_suspended(
    client: TestClient, database: Database
) -> None:
    created = client.put(
        "/v1/spaces/lobby",
        json={"kind": "server", "owner_id": "owner", "members": ["grownup", "teen", "older_teen"]},
    )
    assert created.status_code == 201, created.text
    assert created.json()["rating"] == "U" and created.json()["refused"] == []
    _send(client, ORDINARY[0], n=1)
    _send(client, ORDINARY[1], n=1)
    calm = client.get("/v1/spaces/lobby").json()
    assert calm["rating"] == "U" and calm["window"]["messages"] == 2
    assert calm["reasons"] == ["nothing of concern in the last 2 messages (7 days)"]
    _send(client, SEXUAL, n=2)
    space = client.get("/v1/spaces/lobby").json()
    assert space["rating"] == "18" and space["content_rating"] == "18"
    assert space["reasons"][0] == "rated 18: sexual language in 50% of the last 4 messages (7 days)"
    assert [h["rating"] for h in space["history"]] == ["U", "18"]
    statuses = {m["account_id"]: m["status"] for m in space["members"]}
    assert statuses == {
        "owner": "active",
        "grownup": "active",
        "teen": "suspended",
        "older_teen": "suspended",
    }
    with database.session() as session:
        events = session.scalars(
            select(OutboxEvent).where(OutboxEvent.type.like("space.%")).order_by(OutboxEvent.seq)
        ).all()
    assert [e.type for e in events] == [
        "space.rating_changed",
        "space.member_suspended",
        "space.member_suspended",
    ]
    assert events[0].data["rating"] == "18" and events[0].data["previous"] == "U"
    assert {e.data["account_id"] for e in events[1:]} == {"teen", "older_teen"}
    # Counters: one bucket for the hour, whatever the number of messages (O(1) per message).
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(SpaceRatingBucket)) == 1


def test_a_child_is_refused_entry_with_a_supportive_notice_and_counted(
    client: TestClient, database: Database
) -> None:
    client.put(
        "/v1/spaces/teens",
        json={"kind": "group_chat", "owner_id": "owner", "declared_rating": "15"},
    )
    refused = client.put("/v1/spaces/teens/members/kid")
    assert refused.status_code == 403
    [detail] = refused.json()["error"]["details"]
    assert detail["rating"] == "15" and "haven't done anything wrong" in detail["notice"]
    assert client.put("/v1/spaces/teens/members/older_teen").status_code == 200
    # Listed at registration: the space is made, the child kept out and told why.
    listed = client.put(
        "/v1/spaces/teens",
        json={
            "kind": "group_chat",
            "owner_id": "owner",
            "declared_rating": "15",
            "members": ["teen"],
        },
    ).json()
    assert [r["account_id"] for r in listed["refused"]] == ["teen"]
    assert listed["refused"][0]["notice"]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(SpaceRefusal)) == 2
    assert client.put("/v1/spaces/teens/members/nobody").status_code == 404
    assert client.delete("/v1/spaces/teens/members/older_teen").status_code == 204
    assert client.delete("/v1/spaces/teens/members/older_teen").status_code == 404
    assert client.get("/v1/spaces/nowhere").status_code == 404


def test_the_declared_rating_is_a_floor_and_an_override_is_audited(
    client: TestClient, database: Database
) -> None:
    client.put(
        "/v1/spaces/club", json={"kind": "room", "owner_id": "owner", "declared_rating": "12"}
    )
    assert client.get("/v1/spaces/club").json()["rating"] == "12"
    with database.session() as session:
        ingest_only = create_api_key(session, "platform", (KeyScope.INGEST,)).key
    refused = client.post(
        "/v1/spaces/club/rating-override",
        json={"rating": "U", "reason": "reviewed"},
        headers={"Authorization": f"Bearer {ingest_only}"},
    )
    assert refused.status_code == 403
    low = client.post(
        "/v1/spaces/club/rating-override", json={"rating": "U", "reason": "reviewed: harmless"}
    ).json()
    assert low["rating"] == "12" and low["override_rating"] == "U"  # never below the floor
    high = client.post(
        "/v1/spaces/club/rating-override", json={"rating": "15", "reason": "mature themes"}
    ).json()
    assert high["rating"] == "15"
    assert high["reasons"] == ["rated 15 by a moderator: mature themes"]
    assert high["history"][-1]["source"] == "override" and high["history"][-1]["actor"]
    with database.session() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.target_id == "club").order_by(AuditEntry.seq)
        ).all()
    assert [e.action for e in entries] == ["space.rating_override", "space.rating_override"]
    assert entries[0].actor.startswith("api:")
    bad = client.post("/v1/spaces/club/rating-override", json={"rating": "21", "reason": "x y z"})
    assert bad.status_code == 422


def test_an_adult_inviting_unconnected_children_is_screened_into_the_queue(
    client: TestClient, database: Database
) -> None:
    register(client, "kid4", "under_13")
    register(client, "cousin", "13_15")
    assert client.put("/v1/connections/grownup/cousin").status_code in (200, 201)
    client.put(
        "/v1/spaces/den", json={"kind": "group_chat", "owner_id": "grownup", "name": "Art club"}
    )
    for kid in ("kid", "kid2", "cousin"):  # the cousin is connected: not counted
        added = client.put(f"/v1/spaces/den/members/{kid}", json={"invited_by": "grownup"})
        assert added.status_code == 200 and added.json()["notice"] is None
    # A teenager inviting classmates is not what the rule is for.
    client.put("/v1/spaces/den/members/teen", json={"invited_by": "older_teen"})
    assert client.get("/v1/spaces/den").json()["signals"] == []
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0

    third = client.put("/v1/spaces/den/members/kid3", json={"invited_by": "grownup"})
    assert third.status_code == 200
    assert "not connected with added you" in third.json()["notice"]
    [signal] = client.get("/v1/spaces/den").json()["signals"]
    assert signal["name"] == "space.unconnected_children_invited"
    assert signal["account_id"] == "grownup" and signal["children"] == 3
    assert signal["rules"] == ["adult_invites_unconnected_children"]
    assert (
        signal["reason"]
        == "invited 3 children with no connection to them into 'Art club' within 24 h"
    )
    client.put("/v1/spaces/den/members/kid4", json={"invited_by": "grownup"})
    client.put("/v1/spaces/den/members/kid4", json={"invited_by": "grownup"})  # a repeat

    with database.session() as session:
        [case] = session.scalars(select(Case)).all()
        items = session.scalars(select(CaseItem).where(CaseItem.case_id == case.id)).all()
        trail = session.scalars(
            select(AuditEntry).where(AuditEntry.target_id == case.id).order_by(AuditEntry.seq)
        ).all()
    assert case.suspect_account_id == "grownup" and case.status == "open"
    assert sorted(case.victim_account_ids) == ["kid", "kid2", "kid3", "kid4"]
    assert case.severity == "invites_unconnected_children"
    assert [item.source for item in items] == ["space_invite", "space_invite"]
    assert [entry.details["reason"] for entry in trail] == [
        "invited 3 children with no connection to them into 'Art club' within 24 h",
        "invited 4 children with no connection to them into 'Art club' within 24 h",
    ]


def test_invites_older_than_a_day_do_not_count(client: TestClient, database: Database) -> None:
    client.put("/v1/spaces/den", json={"kind": "group_chat", "owner_id": "grownup"})
    for kid in ("kid", "kid2", "kid3"):
        client.put(f"/v1/spaces/den/members/{kid}", json={"invited_by": "grownup"})
    later = datetime.now(UTC) + timedelta(hours=25)
    with database.session() as session:
        assert len(unconnected_invites(session, "den")[0].children) == 3
        assert unconnected_invites(session, "den", now=later) == []


def test_content_rating_rules_and_band_limits() -> None:
    assert content_rating(WindowCounts(messages=2000))[0] == Rating.U
    rating, reasons = content_rating(WindowCounts(messages=2000, sexual=80))
    assert rating == Rating.R15
    assert reasons == ["rated 15: sexual language in 4% of the last 2,000 messages (7 days)"]
    assert content_rating(WindowCounts(messages=2000, sexual=1))[0] == Rating.R12
    assert content_rating(WindowCounts(messages=50, known_abuse=1))[0] == Rating.R18
    assert content_rating(WindowCounts(messages=500, grooming=10, self_harm=1))[0] == Rating.R15
    assert allowed(AgeBand.UNDER_13, Rating.PG) and not allowed(AgeBand.UNDER_13, Rating.R12)
    assert allowed(AgeBand.AGE_13_15, Rating.R12) and not allowed(AgeBand.UNKNOWN, Rating.R15)


def test_activity_older_than_the_window_does_not_count(client: TestClient) -> None:
    client.put("/v1/spaces/old", json={"kind": "forum", "owner_id": "owner"})
    long_ago = (datetime.now(UTC) - timedelta(days=8)).isoformat()
    body = message("owner", "grownup", SEXUAL, conversation="old-chat", space_id="old")
    assert client.post("/v1/messages", json={**body, "sent_at": long_ago}).status_code == 200
    space = client.get("/v1/spaces/old").json()
    assert space["rating"] == "U" and space["window"]["messages"] == 0


def test_transparency_counts_spaces_by_rating_and_children_kept_out(
    client: TestClient, database: Database
) -> None:
    client.put("/v1/spaces/a", json={"kind": "room", "owner_id": "owner"})
    client.put("/v1/spaces/b", json={"kind": "room", "owner_id": "owner", "declared_rating": "15"})
    assert client.put("/v1/spaces/b/members/kid").status_code == 403
    assert client.put("/v1/spaces/b/members/teen").status_code == 403
    today = datetime.now(UTC).date()
    with database.session() as session:
        figures = compute_figures(session, today, today)
    assert figures.spaces_by_rating == {"U": 1, "PG": 0, "12": 0, "15": 1, "18": 0}
    assert figures.children_kept_out_of_spaces == 2


def test_an_image_posted_in_a_space_counts_to_its_window(client: TestClient) -> None:
    client.put("/v1/spaces/gallery", json={"kind": "channel", "owner_id": "owner"})
    _send(client, ORDINARY[0], space="gallery")
    posted = client.post(
        "/v1/media",
        data={
            "sender_id": "owner",
            "recipient_ids": "grownup",
            "conversation_id": "gallery-chat",
            "space_id": "gallery",
            "sent_at": datetime.now(UTC).isoformat(),
        },
        files={
            "file": ("sky.png", encode(Image.new("RGB", (64, 48), (30, 120, 200))), "image/png")
        },
    )
    assert posted.status_code == 200, posted.text
    window = client.get("/v1/spaces/gallery").json()["window"]
    assert window == {
        "messages": 2,
        "sexual": 0,
        "grooming": 0,
        "nudity": 0,
        "known_abuse": 0,
        "self_harm": 0,
    }
