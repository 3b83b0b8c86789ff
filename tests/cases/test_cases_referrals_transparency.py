"""Referral exports validate against the real standards (skipped without ../shared/standards);
transparency figures match an independent computation; DSA statements carry no personal data."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import xmlschema
from cases_helpers import api_client, make_users, open_cases, scenario
from sqlalchemy import select

from childsafe.cases.actions import decide_referral, request_referral, take_action
from childsafe.cases.loadgen import populate
from childsafe.cli.main import main
from childsafe.referrals import nca, ncmec
from childsafe.referrals.standards import standards_dir
from childsafe.store.db import Database
from childsafe.store.tables.cases import ConsoleUser
from childsafe.transparency import dsa, report
from childsafe.transparency.figures import compute_figures


@pytest.fixture(scope="session")
def standards() -> Path:
    found = standards_dir()
    if found is None:
        pytest.skip("needs ../shared/standards (NCMEC XSD, DSA schema); not shipped in the repo")
    return found


def referred_case(database: Database) -> str:
    with api_client(database) as client:
        scenario(client)
        client.post(
            "/v1/reports",
            json={
                "reporter_account_id": "kid",
                "reported_account_id": "groomer",
                "category": "threatening_me",
                "details": "he says he will share my photos",
            },
        )
    users = make_users(database)
    case_id = open_cases(database)[0].id
    with database.session() as session:
        spec1, spec2, mod = (session.merge(users[name]) for name in ("spec1", "spec2", "mod"))
        take_action(session, case_id, "suspend", mod, "grooming")
        referral = request_referral(session, case_id, spec1, "enticement, under 13")
        decide_referral(session, referral.id, spec2, True, "agree")
    return case_id


def test_ncmec_xml_validates_and_says_what_happened(
    database: Database, standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = referred_case(database)
    assert main(["referral", "--database-url", database.url, "ncmec", case_id]) == 0
    captured = capsys.readouterr()
    assert "validated against the NCMEC XSD" in captured.err
    schema = xmlschema.XMLSchema(str(standards / "ncmec" / "cybertipline-report.xsd"))
    schema.validate(captured.out)
    document = schema.to_dict(captured.out)
    summary = document["incidentSummary"]
    assert summary["incidentType"] == "Online Enticement of Children for Sexual Acts"
    assert summary["reportAnnotations"]["sextortion"] is True
    assert summary["reportAnnotations"]["csamSolicitation"] is True
    reported = document["personOrUserReported"][0]
    assert reported["espIdentifier"] == "groomer"
    assert reported["accountPermanentlyDisabled"]["$"] is True
    assert [v["espIdentifier"] for v in document["victim"]] == ["kid"]
    assert "send me a pic of you" in document["internetDetails"][0]["chatImIncident"]["content"]
    # A broken document is refused, naming what is wrong.
    with pytest.raises(xmlschema.XMLSchemaValidationError, match="incidentType"):
        ncmec.validate(captured.out.replace("Online Enticement of Children", "Rumours about"))


def test_cases_list_json_and_the_nca_package(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = referred_case(database)
    assert main(["cases", "--database-url", database.url, "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [case["id"] for case in listed] == [case_id]
    with database.session() as session:
        package = nca.build_package(session, case_id)
    assert package["submitted"] is False and package["case"]["referral_approved"] is True
    assert package["children"][0]["age_band"] == "under_13"
    assert any("send me a pic" in m["text"] for m in package["flagged_messages"])
    assert package["evidence"]["manifest_sha256"]
    html = nca.to_html(package)
    assert "<script" not in html and "Flagged messages" in html
    assert main(["referral", "--database-url", database.url, "ncmec", "case_nope"]) == 1


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
