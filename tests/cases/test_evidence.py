"""Sealed evidence cannot change or vanish early."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from childsafe import audit
from childsafe.cases.evidence import (
    EvidenceError,
    bundle_zip,
    configured_retention,
    seal_evidence,
    sha256_text,
    verify_bundle,
)
from childsafe.cli.main import main
from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry, Case, EvidenceBundle
from tests.helpers.cases import api_client, scenario


def test_preserving_seals_a_verifiable_bundle_kept_for_a_year(database: Database) -> None:
    with api_client(database) as client:
        scenario(client)
    with database.session() as session:
        case_id = session.scalars(select(Case.id)).first()
        assert case_id is not None
        bundle = seal_evidence(session, case_id, sealed_by="user:tester")
        bundle_id = bundle.id
    with database.session() as session:
        bundle = session.get(EvidenceBundle, bundle_id)
        assert bundle is not None
        assert set(bundle.files) == {
            "case.json",
            "accounts.json",
            "alerts.json",
            "reports.json",
            "messages.json",
        }
        assert "send me a pic of you" in bundle.files["messages.json"]
        assert verify_bundle(bundle) == []
        retained = bundle.retain_until - bundle.sealed_at
        assert timedelta(days=364) < retained <= timedelta(days=365, seconds=1)
        archive = zipfile.ZipFile(io.BytesIO(bundle_zip(bundle)))
        sums = archive.read("SHA256SUMS").decode()
        for line in sums.splitlines():
            digest, name = line.split("  ")
            assert sha256_text(archive.read(name).decode()) == digest
        sealed = session.scalar(select(AuditEntry).where(AuditEntry.action == "evidence.sealed"))
        assert sealed is not None and sealed.details["manifest_sha256"] == bundle.manifest_sha256
        # A changed file no longer matches its manifest entry.
        bundle.files = {**bundle.files, "case.json": "{}"}
        assert verify_bundle(bundle) == ["case.json"]
        session.expunge(bundle)
    for statement in (
        "UPDATE evidence_bundles SET sealed_by = 'x'",
        "DELETE FROM evidence_bundles",
    ):
        with pytest.raises(DBAPIError, match="sealed"), database.engine.begin() as connection:
            connection.execute(text(statement))


def test_retention_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert configured_retention() == timedelta(days=365)
    monkeypatch.setenv("CHILDSAFE_EVIDENCE_RETENTION_DAYS", "730")
    assert configured_retention() == timedelta(days=730)
    monkeypatch.setenv("CHILDSAFE_EVIDENCE_RETENTION_DAYS", "a year")
    with pytest.raises(EvidenceError, match="whole number of days"):
        configured_retention()


def test_evidence_commands_verify_export_and_purge_only_expired(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with api_client(database) as client:
        scenario(client)
    with database.session() as session:
        case_id = session.scalars(select(Case.id)).first()
        assert case_id is not None
        kept = seal_evidence(session, case_id).id
        # A bundle sealed long ago whose retention is over (written directly: the API only
        # seals with a period that ends in the future).
        session.add(
            EvidenceBundle(
                id="evb_old",
                case_id=case_id,
                sealed_by="system",
                sealed_at=datetime.now(UTC) - timedelta(days=400),
                retain_until=datetime.now(UTC) - timedelta(days=35),
                files={"case.json": "{}"},
                manifest={"case.json": sha256_text("{}")},
                manifest_sha256=sha256_text(audit.canonical_json({"case.json": sha256_text("{}")})),
            )
        )
    base = ["evidence", "--database-url", database.url]
    assert main([*base, "verify"]) == 0
    assert "2 bundles checked, 0 changed" in capsys.readouterr().out
    out = tmp_path / "bundle.zip"
    assert main([*base, "export", kept, "-o", str(out)]) == 0
    assert zipfile.ZipFile(out).read("SHA256SUMS")
    assert main([*base, "export", "evb_nope", "-o", str(out)]) == 1
    assert main([*base, "purge"]) == 0
    assert "purged 1 bundles" in capsys.readouterr().out
    with database.session() as session:
        assert [b.id for b in session.scalars(select(EvidenceBundle))] == [kept]
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "evidence.purged"))
        assert audit.verify_chain(session).ok
