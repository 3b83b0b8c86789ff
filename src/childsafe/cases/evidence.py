"""Sealed evidence: a case's messages and metadata frozen with a SHA-256 manifest.

A bundle is a set of UTF-8 JSON files. The manifest maps each file name to the SHA-256 of its
bytes, and the manifest's own canonical JSON is hashed too (recorded in the audit log), so any
later change to any file is detectable. The database refuses to change a bundle and to delete it
before `retain_until` (triggers in migration cases_0001). Retention defaults to one year;
CHILDSAFE_EVIDENCE_RETENTION_DAYS or the `retention` argument changes it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import zipfile
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cases.timeline import load_case, message_document
from childsafe.model.clock import as_utc, utcnow
from childsafe.store.tables.cases import EvidenceBundle
from childsafe.store.tables.service import Account

DEFAULT_RETENTION = timedelta(days=365)
RETENTION_ENV = "CHILDSAFE_EVIDENCE_RETENTION_DAYS"


class EvidenceError(ValueError):
    pass


def configured_retention() -> timedelta:
    raw = os.environ.get(RETENTION_ENV)
    if not raw:
        return DEFAULT_RETENTION
    try:
        days = int(raw)
    except ValueError:
        raise EvidenceError(
            f"{RETENTION_ENV} must be a whole number of days, got {raw!r}"
        ) from None
    if days < 1:
        raise EvidenceError(f"{RETENTION_ENV} must be at least 1 day, got {days}")
    return timedelta(days=days)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _iso(value: Any) -> Any:
    return as_utc(value).isoformat() if value is not None else None


def seal_evidence(
    session: Session,
    case_id: str,
    *,
    sealed_by: str = audit.SYSTEM,
    retention: timedelta | None = None,
    extra_files: Mapping[str, str] | None = None,
) -> EvidenceBundle:
    """Freeze what the case holds now into a new bundle (a case may be sealed more than once).

    `sealed_by` is an audit actor ("user:<id>", "system"); `extra_files` lets another area add
    its own JSON documents (e.g. the image area's hash-match records, never the imagery).
    """
    contents = load_case(session, case_id, message_limit=None)
    if contents is None:
        raise EvidenceError(f"no case {case_id!r}")
    retention = retention or configured_retention()
    if retention <= timedelta(0):
        raise EvidenceError("the retention period must be positive")
    case = contents.case
    account_ids = [case.suspect_account_id, *case.victim_account_ids]
    accounts = session.scalars(select(Account).where(Account.id.in_(account_ids))).all()
    now = utcnow()
    files = {
        "case.json": _pretty(
            {
                "id": case.id,
                "suspect_account_id": case.suspect_account_id,
                "victim_account_ids": case.victim_account_ids,
                "status": case.status,
                "priority": case.priority,
                "priority_reasons": case.priority_reasons,
                "severity": case.severity,
                "cues": case.cues,
                "opened_at": _iso(case.opened_at),
                "last_activity_at": _iso(case.last_activity_at),
                "items": [
                    {
                        "source": item.source,
                        "source_id": item.source_id,
                        "cues": item.cues,
                        "score": item.score,
                        "occurred_at": _iso(item.occurred_at),
                    }
                    for item in contents.items
                ],
            }
        ),
        "accounts.json": _pretty(
            [
                {
                    "id": account.id,
                    "age_band": account.age_band,
                    "display_name": account.display_name,
                    "created_at": _iso(account.created_at),
                }
                for account in accounts
            ]
        ),
        "alerts.json": _pretty(
            [
                {
                    "id": alert.id,
                    "conversation_id": alert.conversation_id,
                    "message_id": alert.message_id,
                    "score": alert.score,
                    "rules": alert.rules,
                    "cues": alert.cues,
                    "reasons": alert.reasons,
                    "created_at": _iso(alert.created_at),
                }
                for alert in contents.alerts
            ]
        ),
        "reports.json": _pretty(
            [
                {
                    "id": report.id,
                    "reference": report.reference,
                    "reporter_account_id": report.reporter_account_id,
                    "reported_account_id": report.reported_account_id,
                    "category": report.category,
                    "surface": report.surface,
                    "conversation_id": report.conversation_id,
                    "message_ids": report.message_ids,
                    "details": report.details,
                    "created_at": _iso(report.created_at),
                }
                for report in contents.reports
            ]
        ),
        "messages.json": _pretty(
            {
                conversation.conversation_id: [
                    message_document(message) for message in conversation.messages
                ]
                for conversation in contents.conversations
            }
        ),
    }
    for name, text in (extra_files or {}).items():
        if name in files or name == "manifest.json" or "/" in name:
            raise EvidenceError(f"extra evidence file name {name!r} is reserved or invalid")
        files[name] = text
    manifest = {name: sha256_text(text) for name, text in sorted(files.items())}
    bundle = EvidenceBundle(
        id="evb_" + secrets.token_hex(8),
        case_id=case.id,
        sealed_by=sealed_by,
        sealed_at=now,
        retain_until=now + retention,
        files=files,
        manifest=manifest,
        manifest_sha256=sha256_text(audit.canonical_json(manifest)),
    )
    session.add(bundle)
    session.flush()
    audit.record(
        session,
        actor=sealed_by,
        action="evidence.sealed",
        target_type="case",
        target_id=case.id,
        details={
            "bundle_id": bundle.id,
            "manifest_sha256": bundle.manifest_sha256,
            "retain_until": _iso(bundle.retain_until),
        },
        at=now,
    )
    return bundle


def verify_bundle(bundle: EvidenceBundle) -> list[str]:
    """Names of files whose bytes no longer match the manifest (empty when intact)."""
    problems = [
        name
        for name, digest in bundle.manifest.items()
        if name not in bundle.files or sha256_text(bundle.files[name]) != digest
    ]
    problems += [name for name in bundle.files if name not in bundle.manifest]
    if sha256_text(audit.canonical_json(bundle.manifest)) != bundle.manifest_sha256:
        problems.append("manifest.json")
    return problems


def purge_expired(session: Session, now: datetime | None = None) -> list[str]:
    """Delete the bundles whose retention period is over (the database refuses any other)."""
    now = now or utcnow()
    expired = list(session.scalars(select(EvidenceBundle).where(EvidenceBundle.retain_until < now)))
    for bundle in expired:
        session.delete(bundle)
        audit.record(
            session,
            actor=audit.SYSTEM,
            action="evidence.purged",
            target_type="case",
            target_id=bundle.case_id,
            details={"bundle_id": bundle.id, "retain_until": _iso(bundle.retain_until)},
        )
    session.flush()
    return [bundle.id for bundle in expired]


def bundle_zip(bundle: EvidenceBundle) -> bytes:
    """The bundle as a zip: its files, manifest.json, and a sha256sum-style SHA256SUMS."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(bundle.files.items()):
            archive.writestr(name, text)
        archive.writestr(
            "manifest.json",
            _pretty(
                {
                    "bundle_id": bundle.id,
                    "case_id": bundle.case_id,
                    "sealed_at": _iso(bundle.sealed_at),
                    "sealed_by": bundle.sealed_by,
                    "retain_until": _iso(bundle.retain_until),
                    "files": bundle.manifest,
                    "manifest_sha256": bundle.manifest_sha256,
                }
            ),
        )
        archive.writestr(
            "SHA256SUMS",
            "".join(f"{digest}  {name}\n" for name, digest in sorted(bundle.manifest.items())),
        )
    return buffer.getvalue()
