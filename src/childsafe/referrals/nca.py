"""UK National Crime Agency referral package: a JSON document and a readable HTML rendering.

The NCA takes industry referrals of child sexual abuse through its CEOP command; there is no
public machine schema, so the package carries what a referral needs in plain named fields:
who, which children (age bands only), what happened (flagged messages with the reasons, the
transcript), what the platform did, and the sealed evidence's SHA-256 manifest.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from childsafe.model.clock import as_utc, utcnow
from childsafe.referrals.exporter import ReferralExporter, ReferralFormat
from childsafe.referrals.facts import Person, gather
from childsafe.referrals.ncmec import BAND_WORDS, incident_type
from childsafe.referrals.standards import Platform

FORMAT = "childsafe.nca-referral/1"
URGENCY = {
    "P1": "immediate: a child may be at risk now",
    "P2": "urgent",
    "P3": "standard",
    "P4": "standard",
}


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _person(person: Person) -> dict[str, Any]:
    return {
        "platform_account_id": person.account_id,
        "display_name": person.display_name,
        "age_band": person.age_band,
        "age_band_words": BAND_WORDS[person.age_band],
    }


def build_package(
    session: Session, case_id: str, platform: Platform | None = None
) -> dict[str, Any]:
    platform = platform or Platform.from_environment()
    facts = gather(session, case_id)
    case = facts.contents.case
    return {
        "format": FORMAT,
        "generated_at": _iso(utcnow()),
        "submitted": False,
        "draft": facts.draft,
        "referring_platform": {
            "name": platform.name,
            "contact": {
                "name": f"{platform.contact_first_name} {platform.contact_last_name}",
                "email": platform.contact_email,
            },
        },
        "case": {
            "id": case.id,
            "priority": case.priority,
            "urgency": URGENCY[case.priority],
            "priority_reasons": case.priority_reasons,
            "concern": incident_type(facts),
            "risk_cues": facts.cues,
            "first_seen": _iso(facts.first_seen),
            "referral_approved": facts.referral is not None,
            "referral_reason": facts.referral.reason if facts.referral else None,
        },
        "suspect": _person(facts.suspect),
        "children": [_person(child) for child in facts.victims],
        "reports_by_children": [
            {
                "reference": report.reference,
                "reporter_account_id": report.reporter_account_id,
                "category": report.category,
                "in_their_words": report.details,
                "at": _iso(as_utc(report.created_at)),
            }
            for report in facts.contents.reports
        ],
        "known_abuse_images": [
            {
                "image_id": image.media_id,
                "hash_bank": image.bank,
                "hash_kind": image.kind,
                "hash": image.hash,
                "distance": image.distance,
                "transform": image.transform,
                "matched_at": _iso(image.matched_at),
            }
            for image in facts.known_images
        ],
        "flagged_messages": [
            {
                "message_id": message.id,
                "sender": message.sender_id,
                "sent_at": _iso(message.sent_at),
                "text": message.text,
                "image_id": message.media_id,
                "reasons": [flag.describe() for flag in message.flags],
            }
            for message in facts.flagged_messages
        ],
        "conversations": [
            {
                "conversation_id": conversation.conversation_id,
                "messages": [
                    {
                        "message_id": message.id,
                        "sender": message.sender_id,
                        "sent_at": _iso(message.sent_at),
                        "text": message.text,
                        "image_id": message.media_id,
                        "flagged": bool(message.flags),
                    }
                    for message in conversation.messages
                ],
            }
            for conversation in facts.contents.conversations
        ],
        "platform_actions": [
            {"action": d.kind, "at": _iso(d.at), "reason": d.reason} for d in facts.decisions
        ],
        "evidence": (
            {
                "bundle_id": facts.bundle.id,
                "manifest_sha256": facts.bundle.manifest_sha256,
                "files": facts.bundle.manifest,
                "retained_until": _iso(as_utc(facts.bundle.retain_until)),
            }
            if facts.bundle
            else None
        ),
    }


def to_json(package: dict[str, Any]) -> str:
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


_environment = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def to_html(package: dict[str, Any]) -> str:
    return _environment.get_template("nca.html").render(p=package)


def _json_export(session: Session, case_id: str) -> str:
    return to_json(build_package(session, case_id))


def _html_export(session: Session, case_id: str) -> str:
    return to_html(build_package(session, case_id))


EXPORTER = ReferralExporter(
    "nca",
    "UK NCA referral package",
    (
        ReferralFormat("json", "application/json", _json_export),
        ReferralFormat("html", "text/html", _html_export),
    ),
)
