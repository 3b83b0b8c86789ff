"""Referral exports validate against the real standards (skipped without
../shared/standards) and say what happened."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xmlschema

from childsafe.cli.main import main
from childsafe.referrals import nca, ncmec
from childsafe.store.db import Database
from tests.helpers.cases import referred_case


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
