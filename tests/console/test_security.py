"""Findings 4, 6, 11 and the console's low ones, replayed on SQLite and PostgreSQL: crafted
media ids stay one query value, images are recorded as viewed only when un-blurred, security
headers on every console response, the sign-in throttle (atomic, per account and per address,
a delay rather than a lockout, admin unlock), user deactivation, revocation and new passwords
from the CLI and the console, the password policy, and dismissing a case with a pending referral.
"""

from __future__ import annotations

import html
import io
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urljoin, urlsplit

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select, update

from childsafe.api.app import create_app
from childsafe.cases.intake import CaseEvidence, open_or_update_case
from childsafe.cli.main import main
from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry, Case, ConsoleUser, Referral
from childsafe.store.tables.service import Account
from tests.helpers.cases import PASSWORD, api_client, make_users, open_cases, scenario
from tests.helpers.console import csrf_of, sign_in
from tests.helpers.stored_media import blocked_image

# Part of the adversarial suite of issue 11: `pytest -m security` replays it.
pytestmark = pytest.mark.security

URLS = re.compile(r'(?:src|href|action)="([^"]*)"')
# A stored id that, put into a URL unencoded, makes the browser fetch another console page.
CRAFTED_ID = "../transparency/report.pdf?from=1900-01-01&to=2100-12-31"
DOTS_ID = ".."  # as a path segment, the browser would resolve it to the parent path
NEW_PASSWORD = "violet lantern under quiet snow"
ACCOUNT_FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 20


def noise_png(seed: int) -> bytes:
    """A random-noise picture standing in for an image in a case (it shows nothing)."""
    pixels = np.random.default_rng(seed).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def world(database: Database) -> Iterator[tuple[Database, str]]:
    """The cases helpers' scenario and users; yields the most urgent open case's id."""
    with api_client(database) as client:
        scenario(client)
    make_users(database)
    yield database, open_cases(database)[0].id


@pytest.fixture
def image_case(world: tuple[Database, str]) -> tuple[Database, str, dict[str, bytes]]:
    """A hash-match case about two images with hostile stored ids."""
    database, _ = world
    images = {CRAFTED_ID: noise_png(1), DOTS_ID: noise_png(2)}
    with database.session() as session:
        session.add(Account(id="sharer", age_band="adult", display_name="sharer", settings={}))
        session.flush()
        for media_id, content in images.items():
            session.add(blocked_image(media_id, content, 320, 240))
        session.flush()
        # Both images matched a hash list, so both belong to the one case about "sharer".
        case_ids = {
            open_or_update_case(
                session,
                CaseEvidence(
                    suspect_account_id="sharer",
                    source="hash_match",
                    source_id=media_id,
                    victim_account_ids=("teen",),
                    cues=(),
                    score=None,
                    occurred_at=datetime.now(UTC),
                ),
            )
            for media_id in images
        }
    (case_id,) = case_ids
    return database, case_id, images


def login_form(client: TestClient) -> str:
    return csrf_of(client, "/console/login")


def try_login(client: TestClient, username: str, password: str) -> int:
    response = client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf_token": login_form(client)},
        follow_redirects=False,
    )
    return response.status_code


def audit_rows(database: Database, action: str) -> list[AuditEntry]:
    with database.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def user_id(database: Database, username: str) -> str:
    with database.session() as session:
        found = session.scalar(select(ConsoleUser.id).where(ConsoleUser.username == username))
    assert found is not None
    return found


def signed_in(client: TestClient) -> bool:
    """Still signed in: not sent to the login page (an admin gets 403 for the queue)."""
    return client.get("/console/", follow_redirects=False).status_code in (200, 403)


# --- finding 4: ids in URLs, blurred previews, viewing recorded on reveal ---------------------


def test_crafted_media_ids_cannot_aim_the_browser_elsewhere(
    image_case: tuple[Database, str, dict[str, bytes]],
) -> None:
    database, case_id, images = image_case
    client = sign_in(database, "mod")
    page_url = f"http://testserver/console/cases/{case_id}"
    page = client.get(page_url)
    assert page.status_code == 200
    # Resolve every URL on the page as a browser would (dot segments included).
    urls = [urlsplit(urljoin(page_url, html.unescape(u))) for u in URLS.findall(page.text)]
    assert all(url.path.startswith("/console/") for url in urls)
    assert not any("transparency" in url.path for url in urls)
    previews = [url for url in urls if url.path == "/console/media/blurred"]
    assert sorted(parse_qs(url.query)["id"][0] for url in previews) == sorted(images)
    originals = [url for url in urls if url.path == "/console/media/original"]
    assert sorted(parse_qs(url.query)["id"][0] for url in originals) == sorted(images)
    assert audit_rows(database, "transparency.exported.pdf") == []


def test_images_are_recorded_as_viewed_only_when_un_blurred(
    image_case: tuple[Database, str, dict[str, bytes]],
) -> None:
    database, case_id, images = image_case
    client = sign_in(database, "mod")
    page = client.get(f"/console/cases/{case_id}").text
    # Loading the page loads every <img>: that alone is not a view of the image.
    sources = [html.unescape(s) for s in re.findall(r'<img[^>]* src="([^"]+)"', page)]
    assert len(sources) == len(images)
    for source in sources:
        preview = client.get(source)
        assert preview.status_code == 200 and preview.headers["content-type"] == "image/jpeg"
        assert preview.content not in images.values()
        shown = np.asarray(Image.open(io.BytesIO(preview.content)).convert("L"), dtype=float)
        assert shown.shape[0] <= 240 and shown.shape[1] <= 320
        # Noise has neighbouring pixels ~85 apart; nothing of it survives in the preview.
        assert np.abs(np.diff(shown, axis=1)).mean() < 3
    assert audit_rows(database, "media.viewed") == []

    reveal = html.unescape(re.findall(r'<a class="media-link" href="([^"]+)"', page)[0])
    original = client.get(reveal)
    assert original.status_code == 200 and original.content in images.values()
    viewed = audit_rows(database, "media.viewed")
    assert len(viewed) == 1 and viewed[0].target_id == case_id
    assert viewed[0].details["media_id"] in images
    assert viewed[0].actor == f"user:{user_id(database, 'mod')}"  # from the session


# --- low: security headers ---------------------------------------------------------------------


def test_every_console_response_carries_the_security_headers(
    image_case: tuple[Database, str, dict[str, bytes]],
) -> None:
    database, case_id, _images = image_case
    visitor = TestClient(create_app(database))
    mod = sign_in(database, "mod")
    auditor = sign_in(database, "auditor")
    responses = {
        "login page": visitor.get("/console/login"),
        "signed-out redirect": visitor.get("/console/", follow_redirects=False),
        "queue": mod.get("/console/"),
        "case page": mod.get(f"/console/cases/{case_id}"),
        "404 page": mod.get("/console/cases/case_nope"),
        "403 page": mod.get("/console/audit"),
        "preview": mod.get("/console/media/blurred", params={"id": CRAFTED_ID}),
        "image": mod.get("/console/media/original", params={"id": DOTS_ID}),
        "audit log": auditor.get("/console/audit"),
        "download": auditor.get(
            "/console/transparency/report.csv", params={"from": "2026-01-01", "to": "2026-12-31"}
        ),
        "report document": auditor.get(
            "/console/transparency/report.html", params={"from": "2026-01-01", "to": "2026-12-31"}
        ),
    }
    for name, response in responses.items():
        headers = response.headers
        policy = headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy, name
        assert "script-src" not in policy or "'unsafe-inline'" not in policy.split("script-src")[1]
        assert headers.get("x-frame-options") == "DENY", name
        assert headers.get("referrer-policy") == "no-referrer", name
        assert headers.get("x-content-type-options") == "nosniff", name
        assert headers.get("cache-control") == "no-store", name
    for name in ("queue", "case page", "audit log", "login page"):
        policy = responses[name].headers["content-security-policy"]
        assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy
        page = responses[name].text
        # Nothing inline that the policy would block: the console's own files do the work.
        assert not re.search(r"<script(?![^>]*\ssrc=)", page), name
        assert "<style" not in page and " style=" not in page and " onclick=" not in page
    assert "<script" not in responses["report document"].text
    for asset in ("console.css", "console.js"):
        assert mod.get(f"/console/static/{asset}").status_code == 200


# --- finding 6: the sign-in throttle -----------------------------------------------------------


def test_concurrent_wrong_passwords_cost_at_most_the_allowed_checks(
    world: tuple[Database, str],
) -> None:
    database, _ = world
    app = create_app(database)
    attempts = 30
    # Each attempt from its own address, so only the account's limit applies.
    clients = [TestClient(app, client=(f"198.51.100.{i + 1}", 50000)) for i in range(attempts)]
    tokens = [login_form(client) for client in clients]
    start = threading.Barrier(attempts)
    statuses: list[int] = []

    def attempt(client: TestClient, token: str) -> None:
        start.wait()
        response = client.post(
            "/console/login",
            data={"username": "mod", "password": "wrong horse battery", "csrf_token": token},
        )
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert 0 < int(response.headers["retry-after"]) <= 300

    threads = [
        threading.Thread(target=attempt, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked = len(audit_rows(database, "login.failed"))
    assert len(statuses) == attempts
    assert checked <= ACCOUNT_FREE_FAILURES
    assert statuses.count(401) == checked and statuses.count(429) == attempts - checked


def test_the_right_password_works_after_a_short_delay(world: tuple[Database, str]) -> None:
    database, _ = world
    client = TestClient(create_app(database), client=("192.0.2.10", 50000))
    for _ in range(ACCOUNT_FREE_FAILURES):
        assert try_login(client, "mod", "wrong horse battery") == 401
    refused = client.post(
        "/console/login",
        data={"username": "mod", "password": PASSWORD, "csrf_token": login_form(client)},
    )
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.text
    wait = int(refused.headers["retry-after"])
    assert 0 < wait <= 5  # a short delay, not the old 15-minute lockout
    time.sleep(wait + 0.2)
    assert try_login(client, "mod", PASSWORD) == 303
    # Success forgets the account's failures: one more typo costs no delay.
    assert try_login(client, "mod", "wrong horse battery") == 401
    assert try_login(client, "mod", PASSWORD) == 303
    assert audit_rows(database, "login.throttled")


def test_one_address_is_limited_across_accounts(world: tuple[Database, str]) -> None:
    database, _ = world
    app = create_app(database)
    guesser = TestClient(app, client=("203.0.113.7", 50000))
    for number in range(ADDRESS_FREE_FAILURES):
        assert try_login(guesser, f"nobody{number}", "wrong horse battery") == 401
    # Even the right password for an untouched account waits, from that address only.
    assert try_login(guesser, "spec1", PASSWORD) == 429
    assert signed_in(sign_in(database, "spec1", address="203.0.113.8"))
    with database.session() as session:
        assert session.scalar(select(Account.id).limit(1)) is not None  # nothing else changed


def test_an_admin_clears_the_delay_from_the_console_and_the_cli(
    world: tuple[Database, str], capsys: pytest.CaptureFixture[str]
) -> None:
    database, _ = world
    admin = sign_in(database, "admin")
    for round_number, unlock in enumerate(("console", "cli")):
        client = TestClient(create_app(database), client=(f"192.0.2.{20 + round_number}", 5000))
        for _ in range(ACCOUNT_FREE_FAILURES):
            assert try_login(client, "mod", "wrong horse battery") == 401
        assert try_login(client, "mod", PASSWORD) == 429
        if unlock == "console":
            done = admin.post(
                "/console/users/manage",
                data={
                    "username": "mod",
                    "action": "unlock",
                    "csrf_token": csrf_of(admin, "/console/users"),
                },
            )
            assert done.status_code == 200 and "sign-in delay cleared" in done.text
        else:
            assert (
                main(["user", "--database-url", database.url, "unlock", "--username", "mod"]) == 0
            )
            assert "sign-in delay cleared" in capsys.readouterr().out
        assert try_login(client, "mod", PASSWORD) == 303
    actors = [row.actor for row in audit_rows(database, "user.unlocked")]
    assert actors[0].startswith("user:usr_") and actors[1].startswith("cli:")


# --- finding 11: deactivation, revocation, new passwords, password policy ---------------------


def test_revocation_and_deactivation_end_live_sessions(world: tuple[Database, str]) -> None:
    database, _ = world
    admin = sign_in(database, "admin")
    laptop, phone = sign_in(database, "mod"), sign_in(database, "mod")
    assert signed_in(laptop) and signed_in(phone)

    revoked = admin.post(
        "/console/users/manage",
        data={
            "username": "mod",
            "action": "revoke-sessions",
            "csrf_token": csrf_of(admin, "/console/users"),
        },
    )
    assert revoked.status_code == 200 and "signed out everywhere" in revoked.text
    assert not signed_in(laptop) and not signed_in(phone)

    again = sign_in(database, "mod")
    url = ["user", "--database-url", database.url]
    assert main([*url, "deactivate", "--username", "mod"]) == 0
    assert not signed_in(again)
    assert try_login(TestClient(create_app(database)), "mod", PASSWORD) == 401
    reactivated = admin.post(
        "/console/users/manage",
        data={
            "username": "mod",
            "action": "reactivate",
            "csrf_token": csrf_of(admin, "/console/users"),
        },
    )
    assert reactivated.status_code == 200
    assert signed_in(sign_in(database, "mod"))
    # The last active admin cannot lock everyone out of user management.
    last = admin.post(
        "/console/users/manage",
        data={
            "username": "admin",
            "action": "deactivate",
            "csrf_token": csrf_of(admin, "/console/users"),
        },
    )
    assert last.status_code == 400 and "last active admin" in last.text
    assert signed_in(admin)
    deactivated = audit_rows(database, "user.deactivated")
    assert len(deactivated) == 1 and deactivated[0].actor.startswith("cli:")
    assert audit_rows(database, "user.sessions_revoked")[0].actor.startswith("user:usr_")


def test_a_new_password_replaces_the_old_and_ends_sessions(
    world: tuple[Database, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database, _ = world
    live = sign_in(database, "spec1")
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_PASSWORD + "\n"))
    command = ["user", "--database-url", database.url, "reset-password", "--username", "spec1"]
    assert main([*command, "--password-stdin"]) == 0
    assert not signed_in(live)
    client = TestClient(create_app(database))
    assert try_login(client, "spec1", PASSWORD) == 401
    assert try_login(client, "spec1", NEW_PASSWORD) == 303

    admin = sign_in(database, "admin")
    reset = admin.post(
        "/console/users/manage",
        data={
            "username": "spec1",
            "action": "reset-password",
            "password": PASSWORD,
            "csrf_token": csrf_of(admin, "/console/users"),
        },
    )
    assert reset.status_code == 200 and "new password" in reset.text
    assert not signed_in(client)
    assert try_login(TestClient(create_app(database)), "spec1", PASSWORD) == 303


WEAK_PASSWORDS = [
    " " * 12,
    "123456789012",
    "aaaaaaaaaaaa",
    "passwordpassword",
    "qwertyuiopasdf",
    "Summer2024!!",
]


def test_weak_passwords_are_refused_with_a_reason(
    world: tuple[Database, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database, _ = world
    admin = sign_in(database, "admin")
    token = csrf_of(admin, "/console/users")
    for weak in WEAK_PASSWORDS:
        created = admin.post(
            "/console/users",
            data={"username": "newmod", "password": weak, "role": "moderator", "csrf_token": token},
        )
        assert created.status_code == 400, weak
        assert "too easy to guess" in created.text or "only spaces" in created.text, weak
        reset = admin.post(
            "/console/users/manage",
            data={
                "username": "mod",
                "action": "reset-password",
                "password": weak,
                "csrf_token": token,
            },
        )
        assert reset.status_code == 400 and "password:" in reset.text, weak
    own_name = admin.post(
        "/console/users",
        data={
            "username": "newmod",
            "password": "newmod-newmod-newmod",
            "role": "moderator",
            "csrf_token": token,
        },
    )
    assert own_name.status_code == 400 and "too easy to guess" in own_name.text
    monkeypatch.setattr("sys.stdin", io.StringIO("123456789012\n"))
    command = ["user", "--database-url", database.url, "create", "--username", "sam"]
    assert main([*command, "--role", "moderator", "--password-stdin"]) == 2
    assert "too easy to guess" in capsys.readouterr().err
    good = admin.post(
        "/console/users",
        data={
            "username": "newmod",
            "password": NEW_PASSWORD,
            "role": "moderator",
            "csrf_token": token,
        },
    )
    assert good.status_code == 200 and "Created newmod" in good.text


# --- low: dismissing a case with a pending referral --------------------------------------------


def test_a_case_with_a_pending_referral_cannot_be_dismissed(world: tuple[Database, str]) -> None:
    database, case_id = world
    spec1 = sign_in(database, "spec1")
    token = csrf_of(spec1, f"/console/cases/{case_id}")
    requested = spec1.post(
        f"/console/cases/{case_id}/referrals",
        data={"reason": "enticement of a child under 13", "csrf_token": token},
    )
    assert requested.status_code == 200
    mod = sign_in(database, "mod")
    dismissed = mod.post(
        f"/console/cases/{case_id}/actions",
        data={"kind": "dismiss", "reason": "nothing here", "csrf_token": csrf_of(mod, "/console/")},
    )
    assert dismissed.status_code == 409 and "awaits a second specialist" in dismissed.text
    with database.session() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.status != "closed"
        # A case closed with its referral still pending (possible before this rule).
        session.execute(update(Case).where(Case.id == case_id).values(status="closed"))
        referral_id = session.scalar(select(Referral.id))
    spec2 = sign_in(database, "spec2")
    token2 = csrf_of(spec2, "/console/")
    approve = spec2.post(
        f"/console/referrals/{referral_id}/decision",
        data={"decision": "approve", "reason": "agreed", "csrf_token": token2},
    )
    assert approve.status_code == 409 and "can no longer be approved" in approve.text
    reject = spec2.post(
        f"/console/referrals/{referral_id}/decision",
        data={"decision": "reject", "reason": "case closed", "csrf_token": token2},
    )
    assert reject.status_code == 200
    with database.session() as session:
        assert session.scalar(select(Referral.status)) == "rejected"
