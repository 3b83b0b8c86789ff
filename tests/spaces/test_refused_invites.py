"""Children the rating kept out still count toward their inviter's unconnected invites: an
adult trying to pull children they have no connection to into a space rated above their band
is screened into the queue like one whose invites succeeded, each child counted once, within
the same day's window (by refusal time)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from childsafe.spaces.registry import UnconnectedInvites, unconnected_invites
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case
from childsafe.store.tables.spaces import SpaceRefusal
from tests.helpers.api import api_client, register

KIDS = ("kid", "kid2", "kid3", "kid4")


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    with api_client(database) as test_client:
        register(test_client, "grownup", "adult")
        register(test_client, "older_teen", "16_17")
        register(test_client, "cousin", "13_15")
        for kid in KIDS:
            register(test_client, kid, "under_13")
        assert test_client.put("/v1/connections/grownup/cousin").status_code in (200, 201)
        yield test_client


def _invite(client: TestClient, space: str, child: str, inviter: str = "grownup") -> int:
    response = client.put(f"/v1/spaces/{space}/members/{child}", json={"invited_by": inviter})
    return response.status_code


def test_children_kept_out_of_an_18_space_are_screened_into_the_queue(
    client: TestClient, database: Database
) -> None:
    client.put(
        "/v1/spaces/night",
        json={
            "kind": "server",
            "owner_id": "grownup",
            "name": "Night owls",
            "declared_rating": "18",
        },
    )
    assert [_invite(client, "night", kid) for kid in ("kid", "kid2")] == [403, 403]
    assert _invite(client, "night", "cousin") == 403  # connected: kept out, not counted
    assert _invite(client, "night", "kid") == 403  # the same child again: counted once
    assert client.get("/v1/spaces/night").json()["signals"] == []
    with database.session() as session:
        assert session.scalars(select(Case)).all() == []
        inviters = {r.invited_by for r in session.scalars(select(SpaceRefusal))}
    assert inviters == {"grownup"}

    refused = client.put("/v1/spaces/night/members/kid3", json={"invited_by": "grownup"})
    assert refused.status_code == 403
    assert "haven't done anything wrong" in refused.json()["error"]["details"][0]["notice"]
    [signal] = client.get("/v1/spaces/night").json()["signals"]
    assert signal["account_id"] == "grownup" and signal["children"] == 3
    assert signal["reason"] == (
        "invited 3 children with no connection to them into 'Night owls' within 24 h "
        "(3 kept out by the rating)"
    )
    with database.session() as session:
        [case] = session.scalars(select(Case)).all()
    assert case.suspect_account_id == "grownup"
    assert sorted(case.victim_account_ids) == ["kid", "kid2", "kid3"]


def test_joined_and_kept_out_children_add_up_each_once(
    client: TestClient, database: Database
) -> None:
    client.put("/v1/spaces/den", json={"kind": "group_chat", "owner_id": "grownup"})
    assert _invite(client, "den", "kid") == 200
    moderated = client.post(
        "/v1/spaces/den/rating-override", json={"rating": "15", "reason": "mature themes"}
    )
    assert moderated.status_code == 200
    assert [_invite(client, "den", kid) for kid in ("kid2", "kid3")] == [403, 403]
    assert _invite(client, "den", "kid4", inviter="older_teen") == 403  # another inviter's
    assert _invite(client, "den", "kid2") == 403  # no second count

    with database.session() as session:
        by_inviter = {i.inviter_id: i for i in unconnected_invites(session, "den")}
    grownup = by_inviter["grownup"]
    assert grownup.children == ("kid", "kid2", "kid3")
    assert grownup.kept_out == ("kid2", "kid3")
    assert grownup.reason() == (
        "invited 3 children with no connection to them into 'den' within 24 h "
        "(2 kept out by the rating)"
    )
    assert by_inviter["older_teen"].children == ("kid4",)

    # The rating reviewed down, the refused child is let in: still one child, now joined.
    client.post("/v1/spaces/den/rating-override", json={"rating": "PG", "reason": "reviewed"})
    assert _invite(client, "den", "kid2") == 200
    with database.session() as session:
        [grownup] = unconnected_invites(session, "den", "grownup")
    assert grownup.children == ("kid", "kid2", "kid3") and grownup.kept_out == ("kid3",)


def test_refusals_older_than_a_day_or_without_an_inviter_do_not_count(
    client: TestClient, database: Database
) -> None:
    client.put(
        "/v1/spaces/late", json={"kind": "room", "owner_id": "grownup", "declared_rating": "18"}
    )
    for kid in ("kid", "kid2", "kid3"):
        assert _invite(client, "late", kid) == 403
    assert client.put("/v1/spaces/late/members/kid4").status_code == 403  # nobody invited
    later = datetime.now(UTC) + timedelta(hours=25)
    with database.session() as session:
        [invites] = unconnected_invites(session, "late")
        assert invites.children == ("kid", "kid2", "kid3")
        assert unconnected_invites(session, "late", now=later) == []


def test_the_reason_leaves_out_the_kept_out_part_when_none_were() -> None:
    invites = UnconnectedInvites("den", "Art club", "grownup", "adult", ("kid", "kid2"))
    assert invites.reason() == (
        "invited 2 children with no connection to them into 'Art club' within 24 h"
    )
    one = UnconnectedInvites("den", "Art club", "grownup", "adult", ("kid",), ("kid",))
    assert one.reason() == (
        "invited 1 child with no connection to them into 'Art club' within 24 h "
        "(1 kept out by the rating)"
    )
