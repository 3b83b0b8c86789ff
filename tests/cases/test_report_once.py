"""One report per conversation (or profile) through the API too (issue 14): a repeat of
POST /v1/reports (a platform's retry, a double tap) by the same reporter about the same account
and conversation, while nobody has acted on it, answers 200 with the first report and
`already_received: true`, and stores nothing; the report page and the API share the rule."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import ColumnElement, func, select

from childsafe.api.app import create_app
from childsafe.api.auth import create_api_key
from childsafe.cases.actions import take_action
from childsafe.store.db import Base, Database
from childsafe.store.tables.cases import AuditEntry, CaseItem, Report
from childsafe.store.tables.events import OutboxEvent
from childsafe.store.tables.service import Account
from tests.helpers.api import page_link
from tests.helpers.cases import make_users

PAGE_REFERENCE = re.compile(r'id="reference">(R-[A-Z2-9]{8})<')


@dataclass
class Platform:
    client: TestClient
    database: Database

    def report(self, conversation: str | None = "conv-1", **fields: object) -> Response:
        body = {
            "reporter_account_id": "kid",
            "reported_account_id": "stranger",
            "category": "wants_to_meet",
            "conversation_id": conversation,
            # Invented test words.
            "details": "he keeps asking to meet after school",
            **fields,
        }
        return self.client.post("/v1/reports", json=body)

    def count(self, table: type[Base], *where: ColumnElement[bool]) -> int:
        with self.database.session() as session:
            return session.scalar(select(func.count()).select_from(table).where(*where)) or 0

    def stored(self) -> dict[str, int]:
        """What a report adds: the report, its case item, its audit entry, events."""
        return {
            "reports": self.count(Report),
            "case items": self.count(CaseItem, CaseItem.source == "report"),
            "audit entries": self.count(AuditEntry, AuditEntry.action == "report.received"),
            "events": self.count(OutboxEvent),
        }


@pytest.fixture
def platform(database: Database) -> Iterator[Platform]:
    with database.session() as session:
        issued = create_api_key(session, "report-once-tests")
        session.add(Account(id="kid", age_band="13_15", display_name="kid", settings={}))
        session.add(Account(id="stranger", age_band="adult", display_name="s", settings={}))
    with TestClient(
        create_app(database), headers={"Authorization": f"Bearer {issued.key}"}
    ) as client:
        yield Platform(client, database)


def test_a_repeated_report_returns_the_first_and_stores_nothing(platform: Platform) -> None:
    first = platform.report()
    assert first.status_code == 201, first.text
    assert first.json()["already_received"] is False
    after_first = platform.stored()
    assert after_first["reports"] == after_first["case items"] == 1
    assert after_first["audit entries"] == 1
    # A retry, and a second press with other words and another category: the same answer.
    for fields in ({}, {"category": "threatening_me", "details": "(invented) he is angry"}):
        again = platform.report(**fields)
        assert again.status_code == 200, again.text
        receipt = again.json()
        assert receipt["already_received"] is True
        for field in ("id", "reference", "created_at"):
            assert receipt[field] == first.json()[field]
        assert receipt["status"] == "received" and "trained person" in receipt["what_happens_next"]
    assert platform.stored() == after_first


def test_bad_input_is_refused_even_when_the_conversation_was_reported(
    platform: Platform,
) -> None:
    assert platform.report().status_code == 201
    refused = platform.report(category="rude")
    assert refused.status_code == 422 and "unknown category" in refused.text
    assert platform.report(reported_account_id="nobody").status_code == 404
    assert platform.count(Report) == 1


def test_another_conversation_no_conversation_or_a_decided_case_is_a_new_report(
    platform: Platform,
) -> None:
    first = platform.report("conv-1").json()
    other = platform.report("conv-2")
    assert other.status_code == 201 and other.json()["reference"] != first["reference"]
    # A profile report (no conversation) repeats one about the same profile in the same
    # category; another category, or an image, is news.
    assert [platform.report(None, surface="profile").status_code for _ in range(2)] == [201, 200]
    assert platform.report(None, surface="profile", category="threatening_me").status_code == 201
    assert platform.report(None, surface="image").status_code == 201
    moderator = make_users(platform.database)["mod"]
    with platform.database.session() as session:
        report = session.get(Report, first["id"])
        assert report is not None
        take_action(session, report.case_id, "warn", moderator, "first warning")
    after_action = platform.report("conv-1")  # a moderator acted: new report is news
    assert after_action.status_code == 201
    assert after_action.json()["reference"] != first["reference"]
    assert platform.count(Report) == 6


def test_concurrent_submissions_make_one_report(platform: Platform) -> None:
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: platform.report(), range(8)))
    assert sorted(answer.status_code for answer in answers) == [200] * 7 + [201]
    assert len({answer.json()["reference"] for answer in answers}) == 1
    assert [answer.json()["already_received"] for answer in answers].count(False) == 1
    assert platform.count(Report) == 1
    assert platform.count(CaseItem, CaseItem.source == "report") == 1


def test_the_api_and_the_report_page_share_one_report_per_conversation(
    platform: Platform,
) -> None:
    link = page_link(platform.client, "conv-1")
    # Sent through the API first: the page then shows that report's receipt, not the form.
    first = platform.report().json()
    opened = platform.client.get(link)
    assert "<form" not in opened.text and "We already have your report" in opened.text
    shown = PAGE_REFERENCE.search(opened.text)
    assert shown is not None and shown.group(1) == first["reference"]
    sent = platform.client.post(
        "/report", data={"t": link.split("t=", 1)[1], "category": "threatening_me"}
    )
    assert sent.status_code == 200 and first["reference"] in sent.text
    # Sent through the page first: the API answers with the page's report.
    page_report = platform.client.post(
        "/report",
        data={"t": page_link(platform.client, "conv-2").split("t=", 1)[1], "category": "other_app"},
    )
    assert page_report.status_code == 201
    page_reference = PAGE_REFERENCE.search(page_report.text)
    assert page_reference is not None
    api_again = platform.report("conv-2")
    assert api_again.status_code == 200
    assert api_again.json()["reference"] == page_reference.group(1)
    assert platform.count(Report) == 2
