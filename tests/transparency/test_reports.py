"""Transparency figures match an independent computation; DSA statements validate
(skipped without ../shared/standards) and carry no personal data."""

from __future__ import annotations

import io
import json
import math
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from childsafe.cli.main import main
from childsafe.demo.loadgen import populate
from childsafe.store.db import Database
from childsafe.store.tables.cases import ConsoleUser
from childsafe.transparency import dsa, report
from childsafe.transparency.figures import compute_figures
from tests.helpers.cases import referred_case


def expected_percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(math.ceil(p * len(ordered)) - 1, 0)] / 3600, 2)


def test_figures_match_an_independent_computation(database: Database) -> None:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    rows = populate(
        database,
        cases=400,
        actions=1000,
        reports=300,
        start=start,
        days=28,
        open_share=0.1,
        keep=True,
    )
    period = (date(2026, 3, 5), date(2026, 3, 20))
    low = datetime(2026, 3, 5, tzinfo=UTC)
    high = datetime(2026, 3, 21, tzinfo=UTC)
    with database.session() as session:
        figures = compute_figures(session, *period)
    in_period = [r for r in rows.reports if low <= r["created_at"] < high]
    assert figures.reports == len(in_period)
    assert figures.reports_by_category == dict(Counter(r["category"] for r in in_period))
    assert figures.reports_by_age_band == dict(Counter(r["reporter_age_band"] for r in in_period))
    acted = [a for a in rows.actions if low <= a["created_at"] < high]
    assert figures.actions_by_kind == dict(Counter(a["kind"] for a in acted))
    first = [c for c in rows.cases if c["first_action_at"] and low <= c["first_action_at"] < high]
    waits = [c["first_action_seconds"] for c in first]
    assert figures.cases_first_actioned == len(first)
    assert figures.median_hours_to_first_action == expected_percentile(waits, 0.5)
    assert figures.p90_hours_to_first_action == expected_percentile(waits, 0.9)
    within = sum(1 for c in first if c["first_action_within_sla"]) / len(first)
    assert figures.share_actioned_within_sla == round(within, 4)
    assert sum(figures.reports_per_day.values()) == len(in_period)
    assert len(figures.reports_per_day) == 16
    csv_text = report.to_csv(figures)
    assert csv_text.splitlines()[0] == "period_start,period_end,metric,key,value"
    assert f"reports,,{len(in_period)}" in csv_text
    html = report.to_html(figures)
    assert html.count("<svg") == 6 and "Median hours to first decision" in html
    assert report.to_pdf(figures)[:5] == b"%PDF-"


def test_dsa_statements_validate_and_carry_no_personal_data(
    database: Database, standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = referred_case(database)
    with database.session() as session:
        mod = session.scalar(select(ConsoleUser).where(ConsoleUser.username == "mod"))
        assert mod is not None
    today = datetime.now(UTC).date()
    with database.session() as session:
        statements = [s for batch in dsa.batches(session, today, today) for s in batch]
        schema = dsa.validator()
    assert schema is not None
    validator = schema.validator
    assert len(statements) == 1  # the suspension; the referral itself restricts nothing
    # The content was sent on the conversation's day, not when the case was opened or decided.
    assert statements[0]["content_date"] == "2026-11-23"
    for statement in statements:
        validator.validate(statement)
        assert statement["category"] == "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
        assert statement["category_specification"] == ["KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS"]
        text = json.dumps(statement)
        for personal in ("groomer", "kid", case_id, "pic", "photos"):
            assert personal not in text
    bad = dict(statements[0], puid="has spaces")
    assert list(validator.iter_errors(bad))
    day = today.isoformat()
    command = ["transparency", "--database-url", database.url, "--from", day, "--to", day]
    assert main([*command, "--format", "dsa-sor", "--validate"]) == 0
    said = capsys.readouterr().err
    assert "validated 1 statements, each against the DSA Transparency Database" in said
    assert "statement-of-reasons.schema.json" in said


def test_transparency_cli_formats_and_bad_dates(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    populate(
        database, cases=50, actions=80, reports=40, start=datetime(2026, 3, 1, tzinfo=UTC), days=10
    )
    base = [
        "transparency",
        "--database-url",
        database.url,
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-10",
    ]
    for fmt in ("json", "csv", "html", "dsa-sor"):
        assert main([*base, "--format", fmt]) == 0
    out = tmp_path / "report.pdf"
    assert main([*base, "--format", "pdf", "-o", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    capsys.readouterr()
    assert main([*base[:3], "--from", "2026-03-10", "--to", "2026-03-01"]) == 2
    assert "--from must be on or before --to" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*base[:3], "--from", "March", "--to", "2026-03-01"])


def test_the_pdf_is_titled_numbered_charted_and_embeds_its_font(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    pypdf = pytest.importorskip("pypdf")
    monkeypatch.setenv("CHILDSAFE_PLATFORM_NAME", "Example Chat (test)")
    populate(
        database, cases=40, actions=60, reports=80, start=datetime(2026, 3, 1, tzinfo=UTC), days=10
    )
    with database.session() as session:
        figures = compute_figures(session, date(2026, 3, 1), date(2026, 3, 10))
    reader = pypdf.PdfReader(io.BytesIO(report.to_pdf(figures)))
    assert reader.metadata.title == (
        "Child safety transparency report, Example Chat (test) 2026-03-01 to 2026-03-10"
    )
    text = "\n".join(page.extract_text() for page in reader.pages)
    pages = len(reader.pages)
    assert f"Page {pages} of {pages}" in text and "generated " in text
    assert "Example Chat (test)" in text and report.method_sentence(figures)[:60] in text
    assert "Reports per day" in text and "Decisions per day" in text
    assert "2026-03-01" in text and "2026-03-10" in text  # the per-day axes
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    if report.FONT_DIR.joinpath("DejaVuSans.ttf").is_file():
        assert any("DejaVu" in font for font in fonts)
        assert "13–15" in text  # an age band as people read it, not "13_15"
        descriptor = next(
            font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            for font in reader.pages[0]["/Resources"]["/Font"].values()
        )
        assert "/FontFile2" in descriptor  # embedded
    html = report.to_html(figures)
    assert "Example Chat (test)" in html and report.method_sentence(figures) in html
