"""Transparency figures match an independent computation; DSA statements validate
(skipped without ../shared/standards) and carry no personal data."""

from __future__ import annotations

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
    database: Database, standards: Path
) -> None:
    case_id = referred_case(database)
    with database.session() as session:
        mod = session.scalar(select(ConsoleUser).where(ConsoleUser.username == "mod"))
        assert mod is not None
    today = datetime.now(UTC).date()
    with database.session() as session:
        statements = [s for batch in dsa.batches(session, today, today) for s in batch]
        validator = dsa.validator()
    assert validator is not None
    assert len(statements) == 1  # the suspension; the referral itself restricts nothing
    for statement in statements:
        validator.validate(statement)
        assert statement["category"] == "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
        assert statement["category_specification"] == ["KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS"]
        text = json.dumps(statement)
        for personal in ("groomer", "kid", case_id, "pic", "photos"):
            assert personal not in text
    bad = dict(statements[0], puid="has spaces")
    assert list(validator.iter_errors(bad))


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
