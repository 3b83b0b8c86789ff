"""Triage over HTTP on both backends: search and filters, assignment and its permissions,
escalation with a reason, notes in the audit log, bulk actions audited per case, "decide and
open the next case", saved views, and the audit log's filters and names."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from childsafe.cases import queue_filters
from childsafe.cases.intake import CaseEvidence, open_or_update_case
from childsafe.cases.queries import own_cues
from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry, Case, ConsoleUser
from childsafe.store.tables.service import Account, Alert
from tests.helpers.cases import api_client, known_image_case, make_users, open_cases, scenario
from tests.helpers.console import csrf_of, sign_in

DUPLICATES = 4


def add_duplicate_cases(database: Database) -> list[str]:
    """Invented suspects, each with one detector alert about the same child (no messages)."""
    case_ids = []
    with database.session() as session:
        for n in range(DUPLICATES):
            suspect = f"dup{n}"
            session.add(
                Account(id=suspect, age_band="adult", display_name=f"copy {n}", settings={})
            )
            session.flush()
            case_ids.append(
                open_or_update_case(
                    session,
                    CaseEvidence(
                        suspect_account_id=suspect,
                        source="alert",
                        source_id=f"alert-dup-{n}",
                        victim_account_ids=("kid",),
                        cues=("payment_demand",),
                        score=0.5,
                        occurred_at=datetime.now(UTC),
                    ),
                )
            )
    return case_ids


@pytest.fixture
def world(database: Database) -> Iterator[tuple[Database, str, str, list[str]]]:
    with api_client(database) as client:
        scenario(client)
        reference = client.post(
            "/v1/reports",
            json={
                "reporter_account_id": "kid",
                "reported_account_id": "groomer",
                "category": "asked_for_pictures",
                "details": "he keeps asking (invented test report)",
            },
        ).json()["reference"]
    make_users(database)
    groomer_case = open_cases(database)[0].id
    yield database, groomer_case, reference, add_duplicate_cases(database)


def user_id(database: Database, username: str) -> str:
    with database.session() as session:
        found = session.scalar(select(ConsoleUser.id).where(ConsoleUser.username == username))
    assert found is not None
    return found


def audit_of(database: Database, case_id: str, action: str) -> list[dict[str, object]]:
    with database.session() as session:
        return [
            entry.details
            for entry in session.scalars(
                select(AuditEntry).where(
                    AuditEntry.target_id == case_id, AuditEntry.action == action
                )
            )
        ]


def shown_cases(client: TestClient, query: str) -> list[str]:
    page = client.get(f"/console/?{query}")
    assert page.status_code == 200, page.text
    return [part.split('"')[0] for part in page.text.split('<tr data-case="')[1:]]


def post(client: TestClient, path: str, form: dict[str, object], page: str = "/console/"):
    return client.post(
        path, data={**form, "csrf_token": csrf_of(client, page)}, follow_redirects=False
    )


def test_search_filters_and_saved_views(world, monkeypatch: pytest.MonkeyPatch) -> None:
    database, groomer_case, reference, duplicates = world
    mod = sign_in(database, "mod")
    for words in ("groomer", groomer_case, reference, reference.lower(), "snapchat"):
        assert shown_cases(mod, f"search={words}") == [groomer_case], words
    assert shown_cases(mod, "search=copy 2") == [duplicates[2]]  # the suspect's display name
    assert shown_cases(mod, "search=nobody-has-this") == []
    assert set(shown_cases(mod, "cue=payment_demand")) == set(duplicates)
    assert shown_cases(mod, "source=report") == [groomer_case]
    assert shown_cases(mod, "age_band=under_13&priority=P1") == [groomer_case]
    assert shown_cases(mod, "overdue=1") == []  # nothing is past its SLA yet
    assert len(shown_cases(mod, "page_size=25&sort=newest")) == DUPLICATES + 1
    assert shown_cases(mod, "status=closed") == []
    # Counting stops at a cap (the page says "2+"), the list itself is complete.
    monkeypatch.setattr(queue_filters, "COUNT_CAP", 2)
    capped = mod.get("/console/").text
    assert "3+ cases" in capped and ">P3</span> 2+" in capped
    assert capped.count('<tr data-case="') == DUPLICATES + 1
    monkeypatch.undo()
    for bad in ("priority=P9", "page_size=7", "sort=random", "cue=Bad Cue", "status=gone"):
        answer = mod.get(f"/console/?{bad}")
        assert answer.status_code == 400 and "must be" in answer.text, bad
    # Saved views belong to the user who saved them.
    spec1 = sign_in(database, "spec1")
    saved = post(mod, "/console/views", {"name": "Under 13s", "view": "age_band=under_13&page=3"})
    assert saved.status_code == 303
    queue = mod.get("/console/").text
    assert '<a href="/console/?age_band=under_13" class="saved-view ">Under 13s</a>' in queue
    assert "Under 13s" not in spec1.get("/console/").text
    assert post(mod, "/console/views", {"name": "", "view": ""}).status_code == 400
    assert post(mod, "/console/views", {"name": "x", "view": "sort=nope"}).status_code == 400


def test_assignment_escalation_notes_and_match_details(world) -> None:
    database, case_id, _reference, _duplicates = world
    mod, spec1 = sign_in(database, "mod"), sign_in(database, "spec1")
    page = f"/console/cases/{case_id}"
    assert post(mod, f"{page}/claim", {}, page).status_code == 303
    assert shown_cases(mod, "assigned=me") == [case_id]
    assert shown_cases(spec1, "assigned=me") == []
    taken = post(spec1, f"{page}/claim", {}, page)
    assert taken.status_code == 409 and "is working this case" in taken.text
    others = post(spec1, f"{page}/unassign", {}, page)
    assert others.status_code == 400 and "reason" in others.text  # a specialist must say why
    auditor = post(mod, f"{page}/assign", {"assignee": user_id(database, "auditor"), "reason": "x"})
    assert auditor.status_code == 400 and "is not a moderator" in auditor.text
    no_reason = post(mod, f"{page}/escalate", {"specialist": user_id(database, "spec1")}, page)
    assert no_reason.status_code == 400 and "reason" in no_reason.text
    not_specialist = post(
        mod, f"{page}/escalate", {"specialist": user_id(database, "mod"), "reason": "help"}, page
    )
    assert (
        not_specialist.status_code == 400 and "not a child-safety specialist" in not_specialist.text
    )
    escalated = post(
        mod,
        f"{page}/escalate",
        {"specialist": user_id(database, "spec1"), "reason": "threats: needs a specialist"},
        page,
    )
    assert escalated.status_code == 303
    assert (
        audit_of(database, case_id, "case.escalated")[0]["reason"] == "threats: needs a specialist"
    )
    shown = spec1.get(page).text
    assert "escalated" in shown and "threats: needs a specialist" in shown
    assert shown_cases(spec1, "assigned=me") == [case_id]
    refused = post(mod, f"{page}/unassign", {}, page)
    assert refused.status_code == 403 and "may unassign" in refused.text
    assert post(spec1, f"{page}/unassign", {}, page).status_code == 303
    assert audit_of(database, case_id, "case.unassigned")
    with database.session() as session:
        assert session.get(Case, case_id).assigned_to is None  # type: ignore[union-attr]
    # Roles without case rights cannot assign (and are audited as refused).
    admin = sign_in(database, "admin")
    assert admin.post(f"{page}/claim", data={"csrf_token": "x"}).status_code == 403
    # Notes: kept, audited with their text, on the timeline; the known-image match's details.
    known = mod.get(f"/console/cases/{known_image_case(database)}").text
    assert "bank <b>Test bank</b> · PDQ distance 7 · transform rotate 90" in known
    assert post(mod, f"{page}/notes", {"note": "  "}, page).status_code == 400
    added = post(mod, f"{page}/notes", {"note": "Same pattern as last week (test note)"}, page)
    assert added.status_code == 303
    assert audit_of(database, case_id, "case.note_added")[0]["note"] == (
        "Same pattern as last week (test note)"
    )
    shown = mod.get(page).text
    assert shown.count("Same pattern as last week (test note)") == 2  # the note and the timeline


def test_bulk_actions_and_the_next_case(world) -> None:
    database, groomer_case, _reference, duplicates = world
    mod = sign_in(database, "mod")
    closed_first, dismissed, *kept = duplicates
    assert post(mod, f"/console/cases/{closed_first}/actions", {"kind": "dismiss", "reason": "r"})
    answer = post(
        mod,
        "/console/bulk",
        {"case": [closed_first, dismissed], "action": "dismiss", "reason": "same report twice"},
    )
    assert answer.status_code == 200
    assert "1 of 2 cases dismissed as duplicates" in answer.text
    assert "this case is closed" in answer.text  # the one already dismissed, with why
    (entry,) = audit_of(database, dismissed, "case.dismiss")
    assert entry["reason"] == "Duplicate: same report twice"
    assert post(mod, "/console/bulk", {"case": kept, "action": "close"}).status_code == 400
    # Bulk assignment, each audited, then "decide and open the next case" of the view.
    bulk = post(
        mod,
        "/console/bulk",
        {"case": kept, "action": "assign", "assignee": user_id(database, "mod"), "reason": "mine"},
    )
    assert "2 of 2 cases assigned" in bulk.text
    assert all(audit_of(database, case_id, "case.assigned") for case_id in kept)
    assert set(shown_cases(mod, "assigned=me")) == set(kept)
    view = "assigned=me&sort=newest"
    first, following = shown_cases(mod, view)
    decided = post(
        mod,
        f"/console/cases/{first}/actions",
        {"kind": "warn", "reason": "flattery", "then": "next", "view": view},
    )
    target = urlsplit(decided.headers["location"])
    assert target.path == f"/console/cases/{following}"
    assert parse_qs(target.query)["view"] == [view]
    # "Acted on, not closed": a case decided in time shows that, not an SLA countdown.
    acted = mod.get("/console/?status=in_progress").text.split(f'<tr data-case="{first}"')[1]
    row = acted.split("</tr>")[0]
    assert "decided within the SLA" in row and "data-due" not in row
    assert groomer_case not in target.path  # not in the view


def test_audit_log_filters_pages_and_names(world) -> None:
    database, case_id, _reference, _duplicates = world
    mod = sign_in(database, "mod")
    page = f"/console/cases/{case_id}"
    post(mod, f"{page}/notes", {"note": "looked at it (test)"}, page)
    auditor = sign_in(database, "auditor")
    by_mod = auditor.get("/console/audit?actor=mod&action=case").text
    assert "case.note_added" in by_mod and "case.viewed" in by_mod
    assert "login.succeeded" not in by_mod
    mod_actor = f"user:{user_id(database, 'mod')}"
    assert f'title="{mod_actor}">mod<' in by_mod and f">{mod_actor}<" not in by_mod
    on_case = auditor.get(f"/console/audit?case={case_id}").text
    assert on_case.count("<tr>") - 1 >= 3
    assert "No entry matches" in auditor.get("/console/audit?from=2001-01-01&to=2001-01-02").text
    assert auditor.get("/console/audit?from=tomorrow").status_code == 400


def test_each_alert_lists_only_its_own_cues() -> None:
    def alert(alert_id: str, conversation: str, minute: int, cues: list[str]) -> Alert:
        at = datetime(2026, 11, 23, 16, minute, tzinfo=UTC)
        return Alert(id=alert_id, conversation_id=conversation, cues=cues, created_at=at)

    alerts = [
        alert("a2", "c1", 5, ["secrecy", "meeting", "image_request"]),
        alert("a1", "c1", 1, ["secrecy"]),
        alert("b1", "c2", 3, ["secrecy"]),  # another conversation: its own
    ]
    assert own_cues(alerts) == {
        "a1": ["secrecy"],
        "a2": ["meeting", "image_request"],
        "b1": ["secrecy"],
    }
