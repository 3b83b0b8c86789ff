"""POST /v1/reports answers with a reference and what happens next; GET tells the outcome;
the embeddable report page works from a signed link only; bad input gets a clear 4xx."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from childsafe.cases.actions import take_action
from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry, Case, Report
from tests.helpers.api import page_link
from tests.helpers.cases import api_client, make_users, scenario


def report(client: TestClient, **fields: object) -> dict:
    body = {
        "reporter_account_id": "kid",
        "reported_account_id": "groomer",
        "category": "wants_to_meet",
        "conversation_id": "conv-1",
        "details": "he keeps asking to pick me up from school",
        **fields,
    }
    response = client.post("/v1/reports", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_report_joins_the_suspects_case_and_the_reporter_hears_the_outcome(
    database: Database,
) -> None:
    with api_client(database) as client:
        scenario(client)
        receipt = report(client)
        assert re.fullmatch(r"R-[A-Z2-9]{8}", receipt["reference"])
        assert "trained person" in receipt["what_happens_next"]
        assert client.get(f"/v1/reports/{receipt['reference']}").json()["status"] == "received"
        with database.session() as session:
            stored = session.get(Report, receipt["id"])
            assert stored is not None and stored.reporter_age_band == "under_13"
            case = session.get(Case, stored.case_id)
            assert case is not None and case.suspect_account_id == "groomer"
            # The report merged with the detector's alert(s) about the same suspect.
            assert case.item_count >= 2
            assert session.scalar(select(AuditEntry).where(AuditEntry.action == "report.received"))
        users = make_users(database)
        with database.session() as session:
            take_action(session, stored.case_id, "suspend", users["mod"], "grooming a child")
        status = client.get(f"/v1/reports/{receipt['id']}").json()
        assert status["status"] == "done"
        assert "removed the account" in status["outcome"]


BAD_REPORTS = [
    ({"category": "rude"}, 422, "unknown category"),
    ({"surface": "fax"}, 422, "unknown surface"),
    ({"reported_account_id": "kid"}, 422, "must be different"),
    ({"reported_account_id": "nobody"}, 404, "unknown reported account"),
    ({"reporter_account_id": "ghost"}, 404, "unknown reporter account"),
    ({"conversation_id": None, "message_ids": ["m1"]}, 422, "need the conversation_id"),
    ({"message_ids": ["not-a-message"]}, 422, "unknown message"),
    ({"details": "x" * 2001}, 422, "details"),
    ({"category": ""}, 422, "category"),
]


def test_bad_reports_get_a_clear_4xx_and_store_nothing(database: Database) -> None:
    with api_client(database) as client:
        scenario(client)
        for fields, status, message in BAD_REPORTS:
            body = {
                "reporter_account_id": "kid",
                "reported_account_id": "groomer",
                "category": "wants_to_meet",
                "conversation_id": "conv-1",
                **fields,
            }
            response = client.post("/v1/reports", json=body)
            assert response.status_code == status, (fields, response.text)
            assert message in response.json()["error"]["message"], fields
        with database.session() as session:
            assert session.scalar(select(Report.id)) is None


def test_reports_need_an_api_key_and_unknown_ids_are_404(database: Database) -> None:
    with api_client(database) as client:
        scenario(client)
        assert client.get("/v1/reports/R-NOPE").status_code == 404
        client.headers.pop("Authorization")
        assert client.post("/v1/reports", json={}).status_code == 401
        assert client.get("/v1/reports/categories").status_code == 401


def test_the_report_page_works_from_a_signed_link_only(database: Database) -> None:
    with api_client(database) as client:
        scenario(client)
        url = page_link(client, "conv-1", reported="groomer")
        token = url.split("t=", 1)[1]
        page = client.get(url)
        assert page.status_code == 200 and "They want to meet me" in page.text
        assert 'name="viewport"' in page.text
        assert client.post("/report", data={"t": token}).status_code == 400
        sent = client.post(
            "/report", data={"t": token, "category": "asked_for_pictures", "details": ""}
        )
        assert sent.status_code == 201
        reference = re.search(r'id="reference">(R-[A-Z2-9]{8})<', sent.text)
        assert reference is not None
        assert client.get(f"/v1/reports/{reference.group(1)}").status_code == 200
        forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        assert (
            client.post("/report", data={"t": forged, "category": "wants_to_meet"}).status_code
            == 403
        )
        assert client.get("/report").status_code == 403
        assert (
            client.post(
                "/v1/reports/page-link",
                json={"reporter_account_id": "kid", "reported_account_id": "nobody"},
            ).status_code
            == 404
        )
