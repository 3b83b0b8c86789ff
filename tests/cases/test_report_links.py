"""Report links and /v1/reports (issue 11, the "Low" findings): a link sends one report, dies
with its key, takes its address from config (never Host), has its own rate limit; /v1/reports
refuses unknown fields and oversize bodies; the child's page answers errors as pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from childsafe.api.app import create_app
from childsafe.api.auth import create_api_key
from childsafe.cases.actions import take_action
from childsafe.console.helplines import COUNTRY_ENV, HELPLINES_ENV
from childsafe.console.report_page import PUBLIC_URL_ENV
from childsafe.runtime.rate_limits import PER_LINK_ENV
from childsafe.store.db import Database
from childsafe.store.tables.cases import CaseItem, Report
from childsafe.store.tables.service import Account, ApiKey
from tests.helpers.api import page_link
from tests.helpers.cases import make_users, reports_sent_earlier

# Part of the adversarial suite of issue 11: `pytest -m security` replays it.
pytestmark = pytest.mark.security

REFERENCE = re.compile(r'id="reference">(R-[A-Z2-9]{8})<')
STATUS_LINK = re.compile(r'id="status" href="(report/status/R-[A-Z2-9]{8}\?s=[^"]+)"')


@dataclass
class Platform:
    client: TestClient
    database: Database
    key_id: str

    def link(self, conversation: str | None = "conv-1", **headers: str) -> str:
        return page_link(self.client, conversation, **headers)

    def send(self, url: str, category: str = "wants_to_meet", **headers: str) -> Response:
        token = url.split("t=", 1)[1]
        return self.client.post("/report", data={"t": token, "category": category}, headers=headers)

    def reports(self) -> int:
        with self.database.session() as session:
            return session.scalar(select(func.count()).select_from(Report)) or 0


@pytest.fixture
def platform(database: Database) -> Iterator[Platform]:
    with database.session() as session:
        issued = create_api_key(session, "report-link-tests")
        session.add(Account(id="kid", age_band="13_15", display_name="kid", settings={}))
        session.add(Account(id="stranger", age_band="adult", display_name="s", settings={}))
    app = create_app(database)
    with TestClient(app, headers={"Authorization": f"Bearer {issued.key}"}) as client:
        yield Platform(client, database, issued.id)


def reference(page: Response) -> str:
    found = REFERENCE.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def test_a_replayed_link_sends_one_report_and_answers_with_its_reference(
    platform: Platform,
) -> None:
    url = platform.link()
    first = platform.send(url)
    assert first.status_code == 201
    for category in ("wants_to_meet", "threatening_me", "asked_for_pictures"):
        again = platform.send(url, category)
        assert again.status_code == 200
        assert "We already have your report" in again.text
        assert reference(again) == reference(first)
    opened = platform.client.get(url)  # the link itself now shows the receipt, not the form
    assert reference(opened) == reference(first) and "<form" not in opened.text
    assert platform.reports() == 1
    with platform.database.session() as session:
        items = session.scalar(
            select(func.count()).select_from(CaseItem).where(CaseItem.source == "report")
        )
    assert items == 1


def test_two_taps_at_once_still_send_one_report(platform: Platform) -> None:
    url = platform.link()
    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(lambda _: platform.send(url), range(8)))
    assert sorted(page.status_code for page in pages) == [200] * 7 + [201]
    assert len({reference(page) for page in pages}) == 1
    assert platform.reports() == 1


def test_a_link_stops_working_when_its_key_is_revoked(platform: Platform) -> None:
    url = platform.link()
    with platform.database.session() as session:
        key = session.get(ApiKey, platform.key_id)
        assert key is not None
        key.revoked = True
    for page in (platform.client.get(url), platform.send(url)):
        assert page.status_code == 403
        assert "This report link has expired" in page.text
    assert platform.reports() == 0


def test_the_link_address_comes_from_config_never_the_host_header(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Unset: the address the server was reached on (the test client's), not the Host header.
    assert platform.link(Host="evil.example").startswith("http://testserver/report?t=")
    monkeypatch.setenv(PUBLIC_URL_ENV, "https://safety.example.org/")
    url = platform.link(Host="evil.example")
    assert url.startswith("https://safety.example.org/report?t=")
    monkeypatch.setenv(PUBLIC_URL_ENV, "safety.example.org")
    refused = platform.client.post(
        "/v1/reports/page-link",
        json={"reporter_account_id": "kid", "reported_account_id": "stranger"},
    )
    assert refused.status_code == 503 and PUBLIC_URL_ENV in refused.json()["error"]["message"]


def test_reports_refuse_unknown_fields_and_oversize_bodies(platform: Platform) -> None:
    body = {"reporter_account_id": "kid", "reported_account_id": "stranger", "category": "other"}
    unknown = platform.client.post("/v1/reports", json={**body, "submitted_by": "user:admin"})
    assert unknown.status_code == 422
    assert "submitted_by" in unknown.json()["error"]["message"]
    link = platform.client.post("/v1/reports/page-link", json={**body, "category": "other_app"})
    assert link.status_code == 422
    padded = platform.client.post("/v1/reports", json={**body, "details": " " * 200_000})
    assert padded.status_code == 413
    assert "too large" in padded.json()["error"]["message"]
    assert platform.reports() == 0


def test_the_report_page_answers_every_error_as_a_page(platform: Platform) -> None:
    url = platform.link()
    token = url.split("t=", 1)[1]
    client = platform.client
    pages = {
        "no link": client.get("/report"),
        "forged": client.post("/report", data={"t": token[:-2] + "xx", "category": "other_app"}),
        "too long a link": client.get("/report", params={"t": "x" * 3000}),
        "too long details": client.post(
            "/report", data={"t": token, "category": "other_app", "details": "x" * 5000}
        ),
        "no category": client.post("/report", data={"t": token}),
        "unknown category": client.post("/report", data={"t": token, "category": "rude"}),
        # Refused at the edge, before any route reads the form.
        "a NUL in the form": client.post(
            "/report", data={"t": token, "category": "other_app", "details": "a\x00b"}
        ),
        "a body over the limit": client.post(
            "/report", data={"t": token, "category": "other_app", "details": "x" * 300_000}
        ),
    }
    for name, page in pages.items():
        assert 400 <= page.status_code < 500, name
        assert page.headers["content-type"].startswith("text/html"), name
        assert '<div class="error" role="alert">' in page.text, name
    assert "We could not read that (details)" in pages["too long details"].text
    assert platform.reports() == 0


@pytest.fixture
def three_uses_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PER_LINK_ENV, "3/minute")


def test_each_link_has_its_own_rate_limit(three_uses_a_minute: None, platform: Platform) -> None:
    busy, fresh = platform.link("conv-1"), platform.link("conv-2")
    for _ in range(3):
        assert platform.client.get(busy).status_code == 200
    page = platform.send(busy)
    assert page.status_code == 429 and page.headers["content-type"].startswith("text/html")
    assert 1 <= int(page.headers["Retry-After"]) <= 60
    assert "Please wait" in page.text and "call 999" in page.text
    assert platform.client.get(fresh).status_code == 200
    assert platform.reports() == 0


def status_page(platform: Platform, receipt: Response) -> Response:
    """Follows the receipt's link to the report's status page, as the browser resolves it."""
    found = STATUS_LINK.search(receipt.text)
    assert found is not None, receipt.text
    return platform.client.get("/" + found.group(1).replace("&amp;", "&"))


def test_a_second_link_about_the_same_conversation_points_to_the_first_report(
    platform: Platform,
) -> None:
    first = platform.send(platform.link("conv-1"))
    assert first.status_code == 201
    reports_sent_earlier(platform.database)
    another_link = platform.link("conv-1")  # asked for again: a new link, the same conversation
    opened = platform.client.get(another_link)
    assert "<form" not in opened.text and "We already have your report" in opened.text
    assert reference(opened) == reference(first)
    again = platform.send(another_link, "threatening_me")
    assert again.status_code == 200 and reference(again) == reference(first)
    status = status_page(platform, again)
    assert status.status_code == 200 and reference(status) == reference(first)
    assert "Nobody has looked at it yet" in status.text
    assert platform.reports() == 1
    with platform.database.session() as session:
        items = session.scalar(
            select(func.count()).select_from(CaseItem).where(CaseItem.source == "report")
        )
    assert items == 1
    # Another conversation with the same person is another report.
    other = platform.send(platform.link("conv-2"))
    assert other.status_code == 201 and reference(other) != reference(first)
    assert platform.reports() == 2


def test_once_a_moderator_has_acted_a_new_report_about_the_conversation_is_sent(
    platform: Platform,
) -> None:
    first = platform.send(platform.link("conv-1"))
    moderator = make_users(platform.database)["mod"]
    with platform.database.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference(first)))
        assert report is not None
        take_action(session, report.case_id, "warn", moderator, "first warning")
    assert "looking at your report now" in status_page(platform, first).text
    reports_sent_earlier(platform.database)
    later = platform.link("conv-1")
    assert "<form" in platform.client.get(later).text
    second = platform.send(later, "threatening_me")
    assert second.status_code == 201 and reference(second) != reference(first)
    assert platform.reports() == 2


def test_a_second_link_about_the_same_profile_points_to_the_first_report(
    platform: Platform,
) -> None:
    first = platform.send(platform.link(None))
    reports_sent_earlier(platform.database)
    second = platform.send(platform.link(None))
    assert (first.status_code, second.status_code) == (201, 200)
    assert reference(first) == reference(second) and platform.reports() == 1
    # A conversation with the same person is another report.
    about_a_chat = platform.send(platform.link("conv-1"))
    assert about_a_chat.status_code == 201 and reference(about_a_chat) != reference(first)


def test_the_status_page_opens_only_with_its_signature(platform: Platform) -> None:
    receipt = platform.send(platform.link())
    found = STATUS_LINK.search(receipt.text)
    assert found is not None
    path, signature = found.group(1).split("?s=")
    other_reference = "R-ABCDEFGH"
    pages = {
        "no signature": platform.client.get(f"/{path}"),
        "a wrong signature": platform.client.get(f"/{path}", params={"s": signature[:-2] + "xx"}),
        "another reference": platform.client.get(
            f"/report/status/{other_reference}", params={"s": signature}
        ),
    }
    for name, page in pages.items():
        assert page.status_code == 404, name
        assert page.headers["content-type"].startswith("text/html"), name
        assert "We could not find that report" in page.text, name
        assert reference(receipt) not in page.text, name


@pytest.mark.parametrize(
    ("language", "country", "words"),
    [
        ("en-US,en;q=0.9", None, "call 911"),
        ("en-GB", None, "call 999"),
        ("fr-FR", None, "call the emergency number where you live"),
        ("", None, "call the emergency number where you live"),
        ("en-US", "IE", "call 112"),
    ],
)
def test_what_happens_next_names_the_readers_emergency_number(
    platform: Platform,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    country: str | None,
    words: str,
) -> None:
    monkeypatch.setenv(
        HELPLINES_ENV,
        '{"GB": {"emergency": "999", "words": "Childline: 0800 1111."},'
        ' "US": {"emergency": "911", "words": "Childhelp: 1-800-422-4453."},'
        ' "IE": {"emergency": "112", "words": "Childline Ireland: 1800 66 66 66."}}',
    )
    if country:
        monkeypatch.setenv(COUNTRY_ENV, country)
    else:
        monkeypatch.delenv(COUNTRY_ENV, raising=False)
    page = platform.send(platform.link(), **{"Accept-Language": language})
    assert page.status_code == 201 and words in page.text
    receipt = platform.client.post(
        "/v1/reports",
        json={
            "reporter_account_id": "kid",
            "reported_account_id": "stranger",
            "category": "other_app",
        },
        headers={"Accept-Language": language},
    )
    assert receipt.status_code == 201 and words in receipt.json()["what_happens_next"]


def test_forged_status_addresses_do_not_use_up_the_real_pages_rate_limit(
    three_uses_a_minute: None, platform: Platform
) -> None:
    receipt = platform.send(platform.link())
    found = STATUS_LINK.search(receipt.text)
    assert found is not None
    path = found.group(1).split("?s=")[0]
    for _ in range(5):
        assert platform.client.get(f"/{path}", params={"s": "forged"}).status_code == 404
    pages = [status_page(platform, receipt) for _ in range(4)]
    assert [page.status_code for page in pages] == [200, 200, 200, 429]
    assert "Please wait" in pages[-1].text and "call 999" in pages[-1].text
