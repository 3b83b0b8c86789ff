"""The console's held messages and appeals: holds waiting with their age (and their count in
the queue), released or confirmed from the case page; the appeals queue shows the original
decision and who took it, and only someone else may decide the appeal."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from childsafe.api.auth import KeyScope
from childsafe.cases.actions import take_action
from childsafe.store.db import Database
from childsafe.store.tables.cases import ConsoleUser
from tests.helpers.api import api_client
from tests.helpers.cases import make_users, open_cases, scenario
from tests.helpers.console import csrf_of, sign_in
from tests.helpers.decisions import events_of

World = tuple[Database, dict[str, ConsoleUser], str]


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    with api_client(database) as client:
        scenario(client)
    yield database, make_users(database), open_cases(database)[0].id


def held_count(html: str) -> int:
    found = re.search(r"(\d+) held messages? waiting for review", html)
    assert found is not None
    return int(found.group(1))


def test_held_messages_and_appeals_in_the_console(world: World) -> None:
    held_messages_are_listed_and_released_from_the_case_page(world)
    an_appeal_is_decided_by_someone_other_than_the_decider(world)


def held_messages_are_listed_and_released_from_the_case_page(world: World) -> None:
    database, _, case_id = world
    mod = sign_in(database, "mod")
    waiting = held_count(mod.get("/console/").text)
    assert waiting >= 2
    page = mod.get("/console/held-messages")
    assert page.status_code == 200 and f"/console/cases/{case_id}#held-messages" in page.text
    assert "min" in page.text  # each hold's age
    case_page = mod.get(f"/console/cases/{case_id}").text
    first = re.search(r'action="/console/held-messages/([^"/]+)/review"', case_page)
    assert first is not None and "Confirm hold" in case_page
    token = csrf_of(mod, f"/console/cases/{case_id}")
    form = {"decision": "release", "csrf_token": token, "case_id": case_id}
    assert mod.post(f"/console/held-messages/{first.group(1)}/review", data=form).status_code == 400
    done = mod.post(
        f"/console/held-messages/{first.group(1)}/review",
        data=form | {"reason": "a harmless question"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and "done=message-released" in done.headers["location"]
    assert [e["message_id"] for e in events_of(database, "message.released")] == [first.group(1)]
    assert held_count(mod.get("/console/").text) == waiting - 1
    assert "a harmless question" in mod.get(f"/console/cases/{case_id}").text
    assert sign_in(database, "auditor").get("/console/held-messages").status_code == 403


def an_appeal_is_decided_by_someone_other_than_the_decider(world: World) -> None:
    database, users, case_id = world
    with database.session() as session:
        action = take_action(session, case_id, "suspend", users["mod"], "grooming a child")
    with api_client(database, scopes=(KeyScope.INGEST,)) as platform:
        filed = platform.post(
            "/v1/appeals",
            json={
                "account_id": "groomer",
                "subject_type": "decision",
                "subject_id": action.id,
                "statement": "It was a misunderstanding (invented test appeal)",
            },
        )
    assert filed.status_code == 201, filed.text
    appeal_id = filed.json()["id"]
    mod = sign_in(database, "mod")
    queue = mod.get("/console/appeals").text
    assert f"/console/appeals/{appeal_id}" in queue and "Suspended the account" in queue
    own = mod.get(f"/console/appeals/{appeal_id}").text
    assert "You took the decision under appeal" in own and "grooming a child" in own
    form = {
        "outcome": "reversed",
        "reason": "mine to undo",
        "csrf_token": csrf_of(mod, "/console/"),
    }
    refused = mod.post(f"/console/appeals/{appeal_id}/decision", data=form)
    assert refused.status_code == 403 and "someone else" in refused.text
    spec = sign_in(database, "spec1")
    page = spec.get(f"/console/appeals/{appeal_id}").text
    assert "misunderstanding" in page and "mod" in page and 'name="outcome"' in page
    token = csrf_of(spec, f"/console/appeals/{appeal_id}")
    decided = spec.post(
        f"/console/appeals/{appeal_id}/decision",
        data={"outcome": "reversed", "reason": "no grooming seen", "csrf_token": token},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    assert events_of(database, "appeal.decided")[0]["outcome"] == "reversed"
    assert events_of(database, "case.decided")[-1]["enforcement"] == "none"
    assert appeal_id not in spec.get("/console/appeals").text
    assert (
        "Decided: the original decision was reversed"
        in spec.get(f"/console/appeals/{appeal_id}").text
    )
