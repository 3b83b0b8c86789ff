"""The child's report page in real headless Chromium on a phone-sized screen: a second link
about the same conversation says the report was already received and leads to the first
report's status page; what happens next names the emergency number of the reader's country.
Screenshots go to test-artifacts/console/ for a person to look at. (Invented accounts.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from childsafe.api.app import create_app
from childsafe.api.auth import create_api_key
from childsafe.store.db import Database
from childsafe.store.tables.cases import Report
from childsafe.store.tables.service import Account
from tests.helpers.api import page_link
from tests.helpers.browser import ARTIFACTS, launch_chromium, needs_chromium, serving
from tests.helpers.cases import reports_sent_earlier

pytestmark = pytest.mark.browser


class Site:
    """A real server on a local port, and the platform's side: asking for page links."""

    def __init__(self, database: Database, base: str, platform: TestClient) -> None:
        self.database, self.base, self._platform = database, base, platform

    def link(self, conversation: str) -> str:
        return page_link(self._platform, conversation).replace("http://testserver", self.base)

    def reports(self) -> int:
        with self.database.session() as session:
            return session.scalar(select(func.count()).select_from(Report)) or 0


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    needs_chromium()
    database = Database(f"sqlite:///{tmp_path / 'report-page.sqlite3'}")
    database.migrate()
    with database.session() as session:
        key = create_api_key(session, "report-page-browser").key
        session.add(Account(id="kid", age_band="13_15", display_name="kid", settings={}))
        session.add(Account(id="stranger", age_band="adult", display_name="s", settings={}))
    platform = TestClient(create_app(database), headers={"Authorization": f"Bearer {key}"})
    with serving(database) as base, platform:
        yield Site(database, base, platform)
    database.dispose()


def test_a_second_link_about_the_conversation_leads_to_the_first_reports_status(
    site: Site,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        phone = browser.new_page(
            viewport={"width": 390, "height": 844}, is_mobile=True, locale="en-US"
        )
        phone.goto(site.link("conv-1"))
        phone.locator(".choice span", has_text="They want to meet me").click()
        phone.locator("button[type=submit]").click()
        expect(phone.locator("#reference")).to_have_text(re.compile(r"R-[A-Z2-9]{8}"))
        reference = phone.locator("#reference").inner_text()
        # The reader's country (en-US) gives the emergency number; no other country's.
        expect(phone.locator(".kind")).to_contain_text("call 911")
        expect(phone.locator(".kind")).not_to_contain_text("call 999")
        phone.screenshot(path=str(ARTIFACTS / "20-report-sent-us.png"), full_page=True)

        # The app asks for a new link later: the same conversation, so the same report.
        reports_sent_earlier(site.database)
        phone.goto(site.link("conv-1"))
        expect(phone.locator(".note")).to_contain_text("already have your report")
        expect(phone.locator("#reference")).to_have_text(reference)
        expect(phone.locator("form")).to_have_count(0)
        phone.screenshot(path=str(ARTIFACTS / "21-same-conversation-again.png"), full_page=True)

        # Its status, by reference, in the same look.
        phone.locator("#status").click()
        expect(phone).to_have_url(re.compile(rf"/report/status/{reference}\?s="))
        expect(phone.locator("#reference")).to_have_text(reference)
        expect(phone.locator("#outcome")).to_contain_text("Nobody has looked at it yet")
        expect(phone.locator("#helplines")).to_contain_text("Childhelp")
        phone.screenshot(path=str(ARTIFACTS / "22-report-status.png"), full_page=True)

        # A tampered address finds nothing, as a page.
        phone.goto(phone.url.replace("?s=", "?s=forged"))
        expect(phone.locator(".error")).to_contain_text("could not find that report")
        browser.close()
    assert site.reports() == 1
