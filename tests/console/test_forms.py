"""Every console form that changes a case, a hold, an appeal or a saved view takes one path
(`submit_form` in console/web.py): without the session's CSRF token it is refused with the
console's page and changes nothing; what the domain refuses (no such case, referral, appeal or
message; a view without a name) is a page with the domain's status and words, never a 500,
and changes nothing either."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry, Case, CaseNote, SavedView
from tests.helpers.cases import api_client, make_users, scenario
from tests.helpers.console import csrf_of, sign_in

MISSING = "no-such-thing"

# (path, form, the domain's refusal when the path names nothing: status, words)
FORMS: list[tuple[str, dict[str, str], int, str]] = [
    (f"/console/cases/{MISSING}/claim", {}, 404, f"no case {MISSING}"),
    (
        f"/console/cases/{MISSING}/assign",
        {"assignee": "{spec2}", "reason": "r"},
        404,
        f"no case {MISSING}",
    ),
    (f"/console/cases/{MISSING}/unassign", {"reason": "r"}, 404, f"no case {MISSING}"),
    (
        f"/console/cases/{MISSING}/escalate",
        {"specialist": "{spec2}", "reason": "r"},
        404,
        f"no case {MISSING}",
    ),
    (f"/console/cases/{MISSING}/notes", {"note": "a note"}, 404, f"no case {MISSING}"),
    (
        f"/console/cases/{MISSING}/actions",
        {"kind": "warn", "reason": "r"},
        404,
        f"no case {MISSING}",
    ),
    (f"/console/cases/{MISSING}/close", {"reason": "r"}, 404, f"no case {MISSING}"),
    (f"/console/cases/{MISSING}/referrals", {"reason": "r"}, 404, f"no case {MISSING}"),
    (
        f"/console/referrals/{MISSING}/decision",
        {"decision": "approve", "reason": "r"},
        404,
        f"no referral {MISSING}",
    ),
    (
        f"/console/appeals/{MISSING}/decision",
        {"outcome": "upheld", "reason": "r"},
        404,
        f"no appeal {MISSING}",
    ),
    (
        f"/console/held-messages/{MISSING}/review",
        {"decision": "release", "reason": "r"},
        404,
        f"no message {MISSING}",
    ),
    ("/console/views", {"name": " "}, 400, "name the view"),
]


World = tuple[Database, str, str]


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    """The database, an open case's id and the second specialist's user id."""
    with api_client(database) as client:
        scenario(client)
    spec2 = make_users(database)["spec2"].id
    with database.session() as session:
        case_id = session.scalar(select(Case.id).order_by(Case.id))
    assert case_id is not None
    yield database, case_id, spec2


def state(database: Database) -> tuple[object, ...]:
    """What a form could change: the audit log, notes, saved views, who works which case."""
    with database.session() as session:
        return (
            session.scalar(select(func.count()).select_from(AuditEntry)),
            session.scalar(select(func.count()).select_from(CaseNote)),
            session.scalar(select(func.count()).select_from(SavedView)),
            sorted(map(tuple, session.execute(select(Case.id, Case.status, Case.assigned_to)))),
        )


def filled(form: dict[str, str], spec2: str) -> dict[str, str]:
    return {name: value.replace("{spec2}", spec2) for name, value in form.items()}


def test_forms_without_the_sessions_csrf_token_are_refused_and_change_nothing(
    world: World,
) -> None:
    database, case_id, spec2 = world
    client = sign_in(database, "spec1")
    before = state(database)
    for path, form, _status, _words in FORMS:
        real_path = path.replace(MISSING, case_id)  # the case exists: only the token is wrong
        for token in ({}, {"csrf_token": "forged"}):
            response = client.post(
                real_path, data={**filled(form, spec2), **token}, follow_redirects=False
            )
            assert response.status_code == 403, (real_path, response.text)
            assert "CSRF check failed" in response.text
            assert response.headers["content-type"].startswith("text/html")
    assert state(database) == before


def test_what_the_domain_refuses_is_a_page_with_its_status_and_words(world: World) -> None:
    database, _case_id, spec2 = world
    client = sign_in(database, "spec1")
    token = csrf_of(client, "/console/")
    before = state(database)
    for path, form, status, words in FORMS:
        response = client.post(
            path, data={**filled(form, spec2), "csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == status, (path, response.text)
        assert words in response.text, path
        assert response.headers["content-type"].startswith("text/html")
    assert state(database) == before
