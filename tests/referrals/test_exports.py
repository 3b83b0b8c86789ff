"""Referral exports validate against the real standards (skipped without
../shared/standards) and say what happened."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import xmlschema

from childsafe.cases.intake import CaseEvidence, open_or_update_case
from childsafe.cli.main import main
from childsafe.referrals import nca, ncmec
from childsafe.store.db import Database
from childsafe.store.tables.hashbanks import HashBank, HashEntry, HashMatch
from childsafe.store.tables.service import Account
from tests.helpers.cases import referred_case
from tests.helpers.stored_media import blocked_image

BANK_HASH = "f" * 64


def known_image_case(database: Database) -> str:
    """An invented suspect whose (placeholder, not an image) upload matched a bank entry."""
    now = datetime.now(UTC)
    with database.session() as session:
        for account_id, band in (("sharer", "adult"), ("teen", "13_15")):
            if session.get(Account, account_id) is None:
                session.add(
                    Account(id=account_id, age_band=band, display_name=account_id, settings={})
                )
        session.add(
            HashBank(id="bank-1", name="Test bank", kind="match", source="test", pdq_threshold=31)
        )
        session.flush()
        entry = HashEntry(bank_id="bank-1", kind="pdq", value=BANK_HASH)
        content = b"placeholder bytes, not an image"
        session.add_all(
            [
                entry,
                blocked_image("media-1", content, 1, 1, pdq="e" * 64),
            ]
        )
        session.flush()
        case_id = open_or_update_case(
            session,
            CaseEvidence("sharer", "hash_match", "media-1", ("teen",), (), None, now),
        )
        session.add(
            HashMatch(
                id="match-1",
                media_id="media-1",
                bank_id="bank-1",
                entry_id=entry.id,
                kind="pdq",
                distance=7,
                transform="rotate_90",
                case_id=case_id,
            )
        )
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
