"""The console over HTTP: sign-in, roles on every route, CSRF, decisions, the two-specialist
referral rule, downloads, and an audit entry for every view and action."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from childsafe.api.app import create_app
from childsafe.cases.users import authenticate
from childsafe.cli.main import main
from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry, Case, Referral
from tests.helpers.cases import PASSWORD, api_client, make_users, open_cases, scenario
from tests.helpers.console import CSRF, audit_actions, csrf_of, sign_in


@pytest.fixture
def world(database: Database) -> Iterator[tuple[Database, str]]:
    with api_client(database) as client:
        scenario(client)
    make_users(database)
    yield database, open_cases(database)[0].id


def test_signed_out_visitors_go_to_login_and_wrong_passwords_fail(
    world: tuple[Database, str],
) -> None:
    database, case_id = world
    client = TestClient(create_app(database))
    response = client.get(f"/console/cases/{case_id}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/login"
    token = CSRF.search(client.get("/console/login").text)
    assert token is not None
    bad = client.post(
        "/console/login",
        data={"username": "mod", "password": "wrong password!", "csrf_token": token.group(1)},
    )
    assert bad.status_code == 401 and "do not match" in bad.text
    empty = client.post("/console/login", data={"csrf_token": token.group(1)})
    assert empty.status_code == 400 and "Enter your username" in empty.text
    forged = client.post("/console/login", data={"username": "mod", "password": PASSWORD})
    assert forged.status_code == 403
    assert "login.failed" in audit_actions(database)


ROLE_ROUTES = [
    (
        "mod",
        ["/console/", "/console/cases/{case}"],
        ["/console/audit", "/console/users", "/console/transparency"],
    ),
    (
        "auditor",
        ["/console/audit", "/console/transparency"],
        ["/console/", "/console/cases/{case}", "/console/users"],
    ),
    (
        "admin",
        ["/console/users", "/console/audit", "/console/transparency"],
        ["/console/", "/console/cases/{case}"],
    ),
    (
        "spec1",
        ["/console/", "/console/cases/{case}", "/console/transparency"],
        ["/console/audit", "/console/users"],
    ),
]


def test_roles_are_enforced_on_every_route(world: tuple[Database, str]) -> None:
    database, case_id = world
    for username, allowed, forbidden in ROLE_ROUTES:
        client = sign_in(database, username)
        for path in allowed:
            assert client.get(path.format(case=case_id)).status_code == 200, (username, path)
        for path in forbidden:
            response = client.get(path.format(case=case_id))
            assert response.status_code == 403, (username, path)
            assert "does not give access" in response.text
    assert "access.denied" in audit_actions(database)


def test_a_moderator_works_a_case_and_every_step_is_audited(world: tuple[Database, str]) -> None:
    database, case_id = world
    client = sign_in(database, "mod")
    queue = client.get("/console/")
    assert case_id in queue.text and "P1" in queue.text
    page = client.get(f"/console/cases/{case_id}")
    assert 'class="msg flagged' in page.text and "send me a pic of you" in page.text
    token = csrf_of(client, f"/console/cases/{case_id}")

    missing_reason = client.post(
        f"/console/cases/{case_id}/actions",
        data={"kind": "warn", "reason": " ", "csrf_token": token},
    )
    assert missing_reason.status_code == 400 and "give a reason" in missing_reason.text
    unknown = client.post(
        f"/console/cases/{case_id}/actions",
        data={"kind": "ban", "reason": "x", "csrf_token": token},
    )
    assert unknown.status_code == 400 and "unknown action" in unknown.text
    no_csrf = client.post(f"/console/cases/{case_id}/actions", data={"kind": "warn", "reason": "x"})
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.text

    done = client.post(
        f"/console/cases/{case_id}/actions",
        data={"kind": "suspend", "reason": "grooming a child", "csrf_token": token},
    )
    assert done.status_code == 200 and "Done: suspend" in done.text
    with database.session() as session:
        case = session.get(Case, case_id)
        assert case is not None
        assert case.status == "in_progress" and case.first_action_within_sla is True
    # A moderator may not refer: that is a specialist's job.
    refused = client.post(
        f"/console/cases/{case_id}/referrals", data={"reason": "x", "csrf_token": token}
    )
    assert refused.status_code == 403
    closed = client.post(
        f"/console/cases/{case_id}/close", data={"reason": "account gone", "csrf_token": token}
    )
    assert closed.status_code == 200
    again = client.post(
        f"/console/cases/{case_id}/actions",
        data={"kind": "warn", "reason": "x", "csrf_token": token},
    )
    assert again.status_code == 409 and "closed" in again.text
    actions = audit_actions(database)
    for expected in (
        "login.succeeded",
        "queue.viewed",
        "case.viewed",
        "case.suspend",
        "case.closed",
    ):
        assert expected in actions


def test_a_referral_needs_a_second_specialist(world: tuple[Database, str]) -> None:
    database, case_id = world
    first = sign_in(database, "spec1")
    token = csrf_of(first, f"/console/cases/{case_id}")
    response = first.post(
        f"/console/cases/{case_id}/referrals",
        data={"reason": "enticement of a child under 13", "csrf_token": token},
    )
    assert response.status_code == 200
    with database.session() as session:
        referral = session.scalar(select(Referral))
        assert referral is not None and referral.status == "pending"
        referral_id = referral.id
    assert first.get(f"/console/cases/{case_id}/referral/ncmec.xml").status_code == 409
    own = first.post(
        f"/console/referrals/{referral_id}/decision",
        data={"decision": "approve", "reason": "me", "csrf_token": token},
    )
    assert own.status_code == 403 and "second specialist" in own.text

    second = sign_in(database, "spec2")
    token2 = csrf_of(second, f"/console/cases/{case_id}")
    approved = second.post(
        f"/console/referrals/{referral_id}/decision",
        data={"decision": "approve", "reason": "agreed", "csrf_token": token2},
    )
    assert approved.status_code == 200
    xml = second.get(f"/console/cases/{case_id}/referral/ncmec.xml")
    assert xml.status_code == 200
    assert "Online Enticement of Children for Sexual Acts" in xml.text
    assert second.get(f"/console/cases/{case_id}/referral/nca.json").json()["case"]["id"] == case_id
    with database.session() as session:
        assert session.scalar(select(func.count()).where(Referral.status == "approved")) == 1
        bundle_id = session.scalar(
            select(AuditEntry.details).where(AuditEntry.action == "referral.approved")
        )["bundle_id"]
    archive = second.get(f"/console/evidence/{bundle_id}.zip")
    assert archive.status_code == 200 and archive.content[:2] == b"PK"
    actions = audit_actions(database)
    for expected in (
        "referral.requested",
        "referral.approved",
        "evidence.sealed",
        "referral.exported.ncmec",
        "evidence.downloaded",
    ):
        assert expected in actions


def test_admin_adds_users_with_clear_errors(world: tuple[Database, str]) -> None:
    database, _case_id = world
    admin = sign_in(database, "admin")
    token = csrf_of(admin, "/console/users")
    short = admin.post(
        "/console/users",
        data={"username": "newmod", "password": "short", "role": "moderator", "csrf_token": token},
    )
    assert short.status_code == 400 and "at least 12 characters" in short.text
    taken = admin.post(
        "/console/users",
        data={"username": "mod", "password": PASSWORD, "role": "moderator", "csrf_token": token},
    )
    assert taken.status_code == 400 and "already exists" in taken.text
    created = admin.post(
        "/console/users",
        data={"username": "newmod", "password": PASSWORD, "role": "moderator", "csrf_token": token},
    )
    assert created.status_code == 200 and "Created newmod" in created.text
    assert sign_in(database, "newmod").get("/console/").status_code == 200


def test_user_create_command(
    database: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ["user", "--database-url", database.url, "create"]
    assert main([*base, "--username", "maya", "--role", "moderator"]) == 0
    out = capsys.readouterr().out
    password = out.split("password: ", 1)[1].split()[0]
    with database.session() as session:
        user = authenticate(session, "maya", password)
        assert user is not None and user.role == "moderator"
        assert user.password_hash.startswith("$argon2id$")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main([*base, "--username", "sam", "--role", "specialist", "--password-stdin"]) == 2
    assert "at least 12 characters" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*base, "--username", "sam", "--role", "superuser"])


def test_malformed_console_input_gets_an_html_message(world: tuple[Database, str]) -> None:
    database, case_id = world
    client = sign_in(database, "mod")
    token = csrf_of(client, f"/console/cases/{case_id}")
    response = client.post(
        f"/console/cases/{case_id}/actions",
        data={"kind": "warn" * 10, "reason": "x", "csrf_token": token},
    )
    assert response.status_code == 400
    assert "Please check the form: kind" in response.text
    assert client.get("/console/?page=0").status_code == 400
    assert client.get("/console/cases/case_nope").status_code == 404
    assert client.get("/console/media/original?id=not-in-any-case").status_code == 404


def test_repeated_wrong_passwords_are_throttled(world: tuple[Database, str]) -> None:
    database, _case_id = world
    client = TestClient(create_app(database))
    token = CSRF.search(client.get("/console/login").text)
    assert token is not None
    for _ in range(5):
        wrong = client.post(
            "/console/login",
            data={"username": "mod", "password": "guess guess guess", "csrf_token": token.group(1)},
        )
        assert wrong.status_code == 401
    blocked = client.post(
        "/console/login",
        data={"username": "mod", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.text
    # Another user is not affected.
    assert sign_in(database, "spec1").get("/console/").status_code == 200
    assert "login.throttled" in audit_actions(database)
