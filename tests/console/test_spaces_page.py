"""The console's spaces page: moderators see spaces by rating and risk, open one (rating,
reasons, members, invite signals, history) and override its rating with a reason, CSRF-checked
and audited under their name; other roles are refused. Then the same in real Chromium.

Every chat line here is invented for the tests and kept mild; the "sexual" one carries only the
trigger word the detector counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry
from childsafe.store.tables.events import OutboxEvent
from childsafe.store.tables.spaces import SpaceMember
from tests.helpers.api import api_client, message, register
from tests.helpers.browser import ARTIFACTS, launch_chromium, needs_chromium, serving, watch_csp
from tests.helpers.cases import PASSWORD, make_users
from tests.helpers.console import csrf_of, sign_in

SEXUAL = "feeling so horny tonight"  # invented; the trigger word only


def _spaces(client: TestClient) -> None:
    """A calm space, one whose content rated it 18 with a child suspended, one declared 15
    where an adult invited three unconnected children."""
    for account, band in (
        ("owner", "adult"),
        ("grownup", "adult"),
        ("teen", "13_15"),
        ("kid", "under_13"),
        ("kid2", "under_13"),
        ("kid3", "under_13"),
    ):
        register(client, account, band)
    client.put("/v1/spaces/calm", json={"kind": "room", "owner_id": "owner", "name": "Calm"})
    client.put(
        "/v1/spaces/lobby",
        json={"kind": "server", "owner_id": "owner", "name": "Lobby", "members": ["teen"]},
    )
    client.put(
        "/v1/spaces/den",
        json={"kind": "group_chat", "owner_id": "grownup", "name": "Art club"},
    )
    for kid in ("kid", "kid2", "kid3"):
        client.put(f"/v1/spaces/den/members/{kid}", json={"invited_by": "grownup"})
    now = datetime.now(UTC).isoformat()
    for text in ("gg everyone", SEXUAL, SEXUAL):
        body = message("owner", "grownup", text, conversation="lobby", space_id="lobby")
        assert client.post("/v1/messages", json={**body, "sent_at": now}).status_code == 200
    client.post(
        "/v1/messages",
        json={**message("owner", "grownup", "hi", conversation="calm"), "space_id": "calm"},
    )


@pytest.fixture
def world(database: Database) -> Database:
    with api_client(database) as client:
        _spaces(client)
    make_users(database)
    return database


def test_spaces_are_listed_by_rating_and_only_for_case_workers(world: Database) -> None:
    for username in ("admin", "auditor"):
        assert sign_in(world, username).get("/console/spaces").status_code == 403
    client = sign_in(world, "mod")
    page = client.get("/console/spaces")
    assert page.status_code == 200
    assert page.text.index("Lobby") < page.text.index("Art club")  # rated 18 first
    assert page.text.index("Lobby") < page.text.index("Calm")
    assert "rated 18: sexual language" in page.text
    assert 'href="/console/spaces"' in client.get("/console/").text

    den = client.get("/console/spaces/den")
    assert "invited 3 children with no connection to them into" in den.text
    assert "in the queue" in den.text
    lobby = client.get("/console/spaces/lobby")
    assert "suspended" in lobby.text and "declared" in lobby.text
    unknown = client.get("/console/spaces/nowhere")
    assert unknown.status_code == 404 and "There is no space" in unknown.text


def test_an_override_needs_the_form_token_and_is_audited(world: Database) -> None:
    client = sign_in(world, "mod")
    forged = client.post("/console/spaces/calm/override", data={"rating": "15", "reason": "x y z"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    token = csrf_of(client, "/console/spaces/calm")
    short = client.post(
        "/console/spaces/calm/override", data={"rating": "15", "reason": "", "csrf_token": token}
    )
    assert short.status_code == 400
    bad = client.post(
        "/console/spaces/calm/override",
        data={"rating": "21", "reason": "mature themes", "csrf_token": token},
    )
    assert bad.status_code == 400
    done = client.post(
        "/console/spaces/calm/override",
        data={"rating": "15", "reason": "mature themes", "csrf_token": token},
    )
    assert done.status_code == 200 and "Done: rating set to 15" in done.text
    assert "rated 15 by a moderator: mature themes" in done.text
    unknown = client.post(
        "/console/spaces/nowhere/override",
        data={"rating": "15", "reason": "mature themes", "csrf_token": token},
    )
    assert unknown.status_code == 404 and "There is no space" in unknown.text
    with world.session() as session:
        [entry] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "space.rating_override")
        ).all()
    assert entry.actor.startswith("user:") and entry.details["reason"] == "mature themes"


def test_a_moderators_override_within_the_band_reinstates_the_suspended_child(
    world: Database,
) -> None:
    client = sign_in(world, "mod")
    token = csrf_of(client, "/console/spaces/lobby")
    done = client.post(
        "/console/spaces/lobby/override",
        data={"rating": "12", "reason": "reviewed: two crude jokes", "csrf_token": token},
    )
    assert done.status_code == 200 and "Done: rating set to 12" in done.text
    with world.session() as session:
        member = session.get_one(SpaceMember, ("lobby", "teen"))
        [event] = session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "space.member_reinstated")
        ).all()
        [entry] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "space.rating_override")
        ).all()
    assert member.status == "active" and member.suspended_reason is None
    assert event.data["account_id"] == "teen" and event.data["rating"] == "12"
    assert entry.actor.startswith("user:") and entry.details["reinstated"] == ["teen"]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    needs_chromium()
    database = Database(f"sqlite:///{tmp_path / 'spaces.sqlite3'}")
    database.migrate()
    with api_client(database) as client:
        _spaces(client)
    make_users(database)
    with serving(database) as base:
        yield base
    database.dispose()


@pytest.mark.browser
def test_a_moderator_overrides_a_spaces_rating_in_chromium(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        blocked = watch_csp(page)
        page.goto(f"{server}/console/login")
        page.fill("#username", "mod")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.click("#spaces-link")
        expect(page.locator("h1")).to_have_text("Spaces by rating and risk")
        rows = page.locator("#spaces tbody tr")
        expect(rows).to_have_count(3)
        assert rows.locator(".rating").all_inner_texts() == ["18", "U", "U"]
        page.screenshot(path=str(ARTIFACTS / "spaces-1-list.png"), full_page=True)

        rows.first.locator("a").click()
        expect(page.locator("#rating")).to_have_text("18")
        expect(page.locator("#reasons")).to_contain_text("sexual language")
        expect(page.locator("#members")).to_contain_text("suspended")
        page.select_option("#override-rating", "15")
        page.click("#override-form button[type=submit]")  # no reason: the browser stops it
        expect(page.locator("#override-reason")).to_be_focused()
        page.fill("#override-reason", "reviewed: one joke, not an adult space")
        page.click("#override-form button[type=submit]")
        expect(page.locator(".notice")).to_contain_text("Done: rating set to 15")
        expect(page.locator("#rating")).to_have_text("15")
        expect(page.locator("#history")).to_contain_text("override by mod")
        page.screenshot(path=str(ARTIFACTS / "spaces-2-overridden.png"), full_page=True)
        browser.close()
    assert blocked == []
