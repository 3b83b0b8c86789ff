"""The console in real headless Chromium: sign in, work the queue, open a case, act, see the
audit entry; a role without rights gets 403; the child's report page on a phone-sized screen.
Screenshots go to test-artifacts/ (git-ignored) for a person to look at."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from childsafe.cases.intake import CaseEvidence, open_or_update_case
from childsafe.store.db import Database
from childsafe.store.tables.service import Account
from tests.helpers.browser import ARTIFACTS, launch_chromium, needs_chromium, serving, watch_csp
from tests.helpers.cases import PASSWORD, api_client, make_users, scenario
from tests.helpers.stored_media import blocked_image

if TYPE_CHECKING:  # Playwright is imported only once a test knows it is installed
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def astronaut_png() -> bytes:
    """scikit-image's astronaut photo (512 by 512), a benign image."""
    data = pytest.importorskip("skimage.data")
    buffer = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buffer, format="PNG")
    return buffer.getvalue()


def press(page: Page, key: str) -> None:
    """Press `key` once the page's deferred console.js listens: a key pressed sooner, while the
    page that a form or a shortcut opened is still loading, is lost."""
    page.wait_for_load_state()
    page.keyboard.press(key)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Database, str]]:
    needs_chromium()
    database = Database(f"sqlite:///{tmp_path / 'browser.sqlite3'}")
    database.migrate()
    with api_client(database) as client:
        scenario(client)
        link = client.post(
            "/v1/reports/page-link",
            json={"reporter_account_id": "kid", "reported_account_id": "groomer"},
        ).json()["url"]
    with database.session() as session:
        # A second suspect whose (benign, scikit-image sample) image matched a hash bank:
        # the console must show it blurred until clicked.
        session.add(Account(id="sharer", age_band="adult", display_name="sharer", settings={}))
        session.flush()
        session.add(blocked_image("media-1", astronaut_png(), 512, 512))
        session.flush()
        open_or_update_case(
            session,
            CaseEvidence(
                suspect_account_id="sharer",
                source="hash_match",
                source_id="media-1",
                victim_account_ids=("teen",),
                cues=(),
                score=None,
                occurred_at=datetime.now(UTC),
            ),
        )
    make_users(database)
    with serving(database) as base:
        yield base, database, link.replace("http://testserver", base)
    database.dispose()


def test_moderator_works_the_queue_in_chromium(server: tuple[str, Database, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _database, report_link = server
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        blocked = watch_csp(page)
        page.goto(f"{base}/console/")
        expect(page).to_have_url(f"{base}/console/login")
        page.fill("#username", "mod")
        page.fill("#password", "not the password")
        page.click("button[type=submit]")
        expect(page.locator(".error")).to_contain_text("do not match")
        page.fill("#username", "mod")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("Queue")
        rows = page.locator("#queue tbody tr")
        expect(rows).to_have_count(2)
        priorities = rows.locator("td:first-child").all_inner_texts()
        assert priorities == sorted(priorities)  # P1 first
        page.screenshot(path=str(ARTIFACTS / "1-queue.png"), full_page=True)

        # The hash-match case: the server sends a blurred preview; a click fetches the image.
        page.locator("#queue tbody tr", has_text="sharer").locator("a").first.click()
        media = page.locator("img.media")
        expect(media).to_have_count(1)
        expect(media).to_have_class("media blurred")
        expect(media).to_have_attribute("src", re.compile(r"/console/media/blurred\?id="))
        expect(media).to_have_js_property("naturalWidth", 240)  # the preview, once loaded
        page.screenshot(path=str(ARTIFACTS / "2-image-blurred.png"), full_page=True)
        media.click()
        expect(media).to_have_class("media")
        expect(media).to_have_attribute("src", re.compile(r"/console/media/original\?id="))
        expect(media).to_have_js_property("naturalWidth", 512)  # the image itself
        page.screenshot(path=str(ARTIFACTS / "2b-image-revealed.png"), full_page=True)
        media.click()
        expect(media).to_have_class("media blurred")
        page.goto(f"{base}/console/")

        groomer_row = page.locator("#queue tbody tr", has_text="groomer")
        groomer_row.locator("a").first.click()
        expect(page.locator(".msg.flagged").first).to_be_visible()
        expect(page.locator(".msg.flagged .flag").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "3-case.png"), full_page=True)

        page.select_option("#kind", "suspend")
        page.fill("#reason", "")
        page.click("#action-form button[type=submit]")  # the browser's own check stops it
        expect(page.locator("#reason")).to_be_focused()
        page.fill("#reason", "Grooming a child under 13: picture request and meeting")
        page.click("#action-form button[type=submit]")
        expect(page.locator(".notice")).to_contain_text("Done: suspend")
        expect(page.locator("#audit-trail")).to_contain_text("case.suspend")
        page.screenshot(path=str(ARTIFACTS / "4-after-action.png"), full_page=True)

        # An auditor may read the audit log but not open a case.
        case_url = page.url.split("?")[0]
        auditor = browser.new_page()
        watch_csp(auditor, blocked)
        auditor.goto(f"{base}/console/login")
        auditor.fill("#username", "auditor")
        auditor.fill("#password", PASSWORD)
        auditor.click("button[type=submit]")
        expect(auditor.locator("h1")).to_have_text("Audit log")
        expect(auditor.locator("body")).to_contain_text("case.suspend")
        auditor.click("#verify")
        expect(auditor.locator(".notice")).to_contain_text("chain intact")
        auditor.screenshot(path=str(ARTIFACTS / "5-audit-log.png"), full_page=True)
        response = auditor.goto(case_url)
        assert response is not None and response.status == 403
        expect(auditor.locator(".error")).to_contain_text("does not give access")
        auditor.screenshot(path=str(ARTIFACTS / "6-forbidden.png"), full_page=True)

        # The child's report page on a phone.
        phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        phone.goto(report_link)
        phone.screenshot(path=str(ARTIFACTS / "7-report-page-phone.png"), full_page=True)
        choice = phone.locator(".choice span", has_text="They asked for pictures of me")
        assert choice.bounding_box() is not None and choice.bounding_box()["height"] >= 48
        choice.click()
        phone.click("button[type=submit]")
        expect(phone.locator("#reference")).to_have_text(re.compile(r"R-[A-Z2-9]{8}"))
        phone.screenshot(path=str(ARTIFACTS / "8-report-sent-phone.png"), full_page=True)

        # The transparency page now counts the report and the decision, with its charts.
        auditor.goto(f"{base}/console/transparency")
        expect(auditor.locator("table.headlines")).to_contain_text("Reports received")
        expect(auditor.locator("figure svg")).to_have_count(6)
        expect(auditor.locator("figure", has_text="Decisions taken")).to_contain_text("suspend")
        auditor.screenshot(path=str(ARTIFACTS / "9-transparency.png"), full_page=True)
        browser.close()
    assert blocked == []


def test_triage_with_the_keyboard_in_chromium(server: tuple[str, Database, str]) -> None:
    """Search, filters, shortcuts (j/k, x, a, o, d, n, ?), a note, escalation, bulk dismissal,
    "decide and open the next case" and the audit log's filters, in one page session."""
    from playwright.sync_api import expect, sync_playwright

    from tests.console.test_triage import DUPLICATES, add_duplicate_cases

    base, database, report_link = server
    add_duplicate_cases(database)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/console/login")
        page.fill("#username", "mod")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        rows = page.locator("#queue tbody tr")
        expect(rows).to_have_count(DUPLICATES + 2)

        # One step from an account to its case; then a filter.
        press(page, "/")
        expect(page.locator("#search")).to_be_focused()
        page.keyboard.type("groomer")
        press(page, "Enter")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("groomer")
        page.goto(f"{base}/console/")
        page.select_option("select[name=cue]", "payment_demand")
        page.click("#queue-filters button[type=submit]")
        expect(rows).to_have_count(DUPLICATES)
        page.screenshot(path=str(ARTIFACTS / "10-queue-filtered.png"), full_page=True)

        # The keyboard: help, move, select two, dismiss them as duplicates in one action.
        press(page, "?")
        expect(page.locator("#shortcuts-help")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "11-shortcuts-help.png"))
        press(page, "Escape")
        for key in ("j", "x", "j", "x"):
            press(page, key)
        expect(page.locator("#queue tbody input[name=case]:checked")).to_have_count(2)
        page.fill("#bulk-reason", "the same alert twice")
        page.click("#bulk-submit")
        expect(page.locator("#bulk-result")).to_contain_text("2 of 2 cases dismissed")
        page.click("#back-to-queue")
        expect(rows).to_have_count(DUPLICATES - 2)

        # Claim with "a", open with "o": the case is mine.
        press(page, "j")
        expect(page.locator("#queue tr.selected")).to_have_count(1)
        press(page, "a")
        expect(page.locator(".notice")).to_contain_text("assigned to you")
        expect(rows.first.locator("td.assignee")).to_have_text("mod")
        mine, other = (row.get_attribute("data-case") for row in rows.all())
        press(page, "j")
        press(page, "o")
        expect(page.locator("h1")).to_contain_text(str(mine))
        expect(page.locator("#assignee")).to_have_text("mod")

        # A note, then an escalation with a reason: both on the timeline.
        press(page, "n")
        expect(page.locator("#note")).to_be_focused()
        page.keyboard.type("Asked about school twice (test note)")
        page.click("#note-form button[type=submit]")
        expect(page.locator("#notes")).to_contain_text("Asked about school twice")
        expect(page.locator("#audit-trail")).to_contain_text("case.note_added")
        page.select_option("#escalate-to", label="spec1")
        page.fill("#escalate-reason", "threat wording: needs a specialist")
        page.click("#escalate-form button[type=submit]")
        expect(page.locator("#assignee")).to_contain_text("spec1")
        expect(page.locator("#audit-trail")).to_contain_text("threat wording")
        page.screenshot(path=str(ARTIFACTS / "12-case-escalated.png"), full_page=True)

        # Decide and open the next case of the queue view it was opened from.
        press(page, "d")
        expect(page.locator("#kind")).to_be_focused()
        page.select_option("#kind", "warn")
        page.fill("#reason", "flattery only")
        page.click("#decide-next")
        expect(page.locator(".notice")).to_contain_text(f"warn recorded on {mine}")
        expect(page.locator("h1")).to_contain_text(str(other))
        page.screenshot(path=str(ARTIFACTS / "13-next-case.png"), full_page=True)

        # The audit log, filtered by who and what, names people.
        auditor = browser.new_page(viewport={"width": 1280, "height": 900})
        auditor.goto(f"{base}/console/login")
        auditor.fill("#username", "auditor")
        auditor.fill("#password", PASSWORD)
        auditor.click("button[type=submit]")
        auditor.fill("input[name=actor]", "mod")
        auditor.fill("input[name=action]", "case.dismiss")
        auditor.click("#audit-filters button[type=submit]")
        expect(auditor.locator("table.audit tbody tr")).to_have_count(2)
        expect(auditor.locator("table.audit tbody")).to_contain_text("Duplicate: the same alert")
        width = auditor.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280  # no table wider than the window
        auditor.screenshot(path=str(ARTIFACTS / "14-audit-filtered.png"), full_page=True)

        # The child's page on a phone: "Send" on screen without scrolling; one report per link.
        phone = browser.new_page(
            viewport={"width": 390, "height": 844}, is_mobile=True, locale="en-GB"
        )
        phone.goto(report_link)
        send = phone.locator("button[type=submit]")
        box = send.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844
        expect(phone.locator("#helplines")).to_contain_text("Childline")
        phone.screenshot(path=str(ARTIFACTS / "15-report-page-phone.png"))
        phone.locator(".choice span", has_text="They want to meet me").click()
        send.click()
        expect(phone.locator("#reference")).to_have_text(re.compile(r"R-[A-Z2-9]{8}"))
        reference = phone.locator("#reference").inner_text()
        phone.goto(report_link)  # the same link again: received once, not sent twice
        expect(phone.locator(".note")).to_contain_text("already have your report")
        expect(phone.locator("#reference")).to_have_text(reference)
        phone.screenshot(path=str(ARTIFACTS / "16-report-already-received.png"), full_page=True)
        browser.close()
