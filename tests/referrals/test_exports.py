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
from tests.helpers.cases import BANK_HASH, known_image_case, referred_case


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
    # The child is the messages' intended recipient; no empty victimPerson is sent.
    assert "victim" not in document and "<victimPerson" not in captured.out
    (child,) = document["intendedRecipient"]
    assert child["espIdentifier"] == "kid" and "under 13" in child["additionalInfo"][0]
    # The earliest message (sent before the report and the alert), as documented.
    assert summary["incidentDateTime"] == "2026-11-23T16:00:00Z"
    assert "earliest message, report or match" in summary["incidentDateTimeDescription"]
    # The child's report, in their words; not a draft (a second specialist approved).
    assert "he says he will share my photos" in document["additionalInfo"]
    assert "DRAFT" not in captured.out
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


def test_an_unapproved_known_image_case_exports_only_as_a_marked_draft(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = known_image_case(database)
    command = ["referral", "--database-url", database.url, "ncmec", case_id]
    assert main(command) == 1
    refused = capsys.readouterr()
    assert refused.out == "" and "no approved referral" in refused.err and "--draft" in refused.err
    assert main([*command, "--draft"]) == 0
    xml = capsys.readouterr().out
    assert xml.count("DRAFT - NOT APPROVED") == 2  # a comment at the top, and in the report
    assert ncmec.CSAM in xml
    for detail in ("Test bank", f"PDQ {BANK_HASH}", "distance 7", "transform rotate_90"):
        assert detail in xml
    ncmec.validate(xml)  # still a valid report when the XSD is there
    with database.session() as session:
        package = nca.build_package(session, case_id)
    assert package["draft"] is True
    (image,) = package["known_abuse_images"]
    assert (image["hash_bank"], image["hash"], image["distance"], image["transform"]) == (
        "Test bank",
        BANK_HASH,
        7,
        "rotate_90",
    )
    html = nca.to_html(package)
    assert "DRAFT - NOT APPROVED" in html and BANK_HASH in html
