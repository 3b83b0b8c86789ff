"""NCMEC CyberTipline report (the `<report>` document of POST /submit) for one case.

Grooming is reported as "Online Enticement of Children for Sexual Acts"; a known-abuse image
hash match makes it "Child Pornography (possession, manufacture, and distribution)". The file
is validated against NCMEC's XSD when the schema is available (see referrals.standards).

The children are reported as the intended recipients of the suspect's messages, with their
account ids and age bands: the schema's `victimPerson` holds names, addresses and exact ages,
which we do not have, and an empty one says nothing. A case without an approved referral
exports only as a draft, marked so inside the file.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import xmlschema
from sqlalchemy.orm import Session

from childsafe.cases.priority import CRITICAL_CUES
from childsafe.cases.reports import CATEGORY_BY_KEY
from childsafe.model.clock import as_utc
from childsafe.referrals.exporter import ReferralExporter, ReferralFormat
from childsafe.referrals.facts import Person, ReferralFacts, gather, transcript
from childsafe.referrals.standards import Platform, standard_file

XSD = "ncmec/cybertipline-report.xsd"
ENTICEMENT = "Online Enticement of Children for Sexual Acts"
CSAM = "Child Pornography (possession, manufacture, and distribution)"
BAND_WORDS = {
    "under_13": "under 13",
    "13_15": "13 to 15",
    "16_17": "16 to 17",
    "adult": "adult",
    "unknown": "unknown (treated as a child)",
}


class SchemaUnavailable(RuntimeError):
    pass


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def incident_type(facts: ReferralFacts) -> str:
    return CSAM if "known_abuse_image" in facts.cues else ENTICEMENT


def build_report(facts: ReferralFacts, platform: Platform) -> ET.Element:
    case = facts.contents.case
    report = ET.Element("report")
    summary = _add(report, "incidentSummary")
    _add(summary, "incidentType", incident_type(facts))
    _add(summary, "platform", platform.name)
    if case.priority == "P1" or any(cue in CRITICAL_CUES for cue in facts.cues):
        _add(
            summary,
            "escalateToHighPriority",
            "Child may be at imminent risk: " + "; ".join(case.priority_reasons[:3]),
        )
    annotations = {
        "sextortion": "threat_sextortion" in facts.cues,
        "csamSolicitation": "image_request" in facts.cues,
        "minorToMinorInteraction": facts.suspect.is_child and facts.suspect.age_band != "unknown",
    }
    if any(annotations.values()):
        element = _add(summary, "reportAnnotations")
        for tag, present in annotations.items():
            if present:
                _add(element, tag, "true")
    _add(summary, "incidentDateTime", _timestamp(facts.first_seen))
    _add(
        summary,
        "incidentDateTimeDescription",
        "Time of the earliest message, report or match in the case.",
    )

    details = _add(report, "internetDetails")
    chat = _add(details, "chatImIncident")
    _add(chat, "chatClient", f"{platform.name} direct messages")
    _add(chat, "content", transcript(facts))
    _add(chat, "additionalInfo", _flag_summary(facts))

    reporter = _add(report, "reporter")
    person = _add(reporter, "reportingPerson")
    _add(person, "firstName", platform.contact_first_name)
    _add(person, "lastName", platform.contact_last_name)
    _add(person, "email", platform.contact_email)
    _add(reporter, "termsOfService", f"See {platform.terms_url}")

    reported = _add(report, "personOrUserReported")
    _add(reported, "espIdentifier", facts.suspect.account_id)
    _add(reported, "espService", platform.name)
    if facts.suspect.display_name:
        _add(reported, "displayName", facts.suspect.display_name)
    restricted = facts.decided("restrict")
    suspended = facts.decided("suspend")
    if restricted and not suspended:
        _add(reported, "accountTemporarilyDisabled", "true", disabledDate=_timestamp(restricted.at))
    if suspended:
        _add(reported, "accountPermanentlyDisabled", "true", disabledDate=_timestamp(suspended.at))
    _add(reported, "additionalInfo", f"Declared age band: {BAND_WORDS[facts.suspect.age_band]}.")

    for child in facts.victims:
        _recipient(report, child, platform)

    _add(report, "additionalInfo", _case_summary(facts))
    return report


def _recipient(report: ET.Element, child: Person, platform: Platform) -> None:
    recipient = _add(report, "intendedRecipient")
    _add(recipient, "espIdentifier", child.account_id)
    _add(recipient, "espService", platform.name)
    if child.display_name:
        _add(recipient, "displayName", child.display_name)
    _add(
        recipient,
        "additionalInfo",
        f"A child contacted by the reported user. Declared age band: {BAND_WORDS[child.age_band]}.",
    )


def _flag_summary(facts: ReferralFacts) -> str:
    lines = ["Messages flagged by automated detection or by the child's report:"]
    for message in facts.flagged_messages:
        reasons = "; ".join(flag.describe() for flag in message.flags)
        lines.append(f"- message {message.id} from {message.sender_id}: {reasons}")
    return "\n".join(lines)


DRAFT_MARK = (
    "DRAFT - NOT APPROVED: no second child-safety specialist has approved referring this "
    "case. For review only; do not submit."
)


def _case_summary(facts: ReferralFacts) -> str:
    case = facts.contents.case
    lines = [DRAFT_MARK] if facts.draft else []
    lines += [
        f"Platform case {case.id}, priority {case.priority}: " + "; ".join(case.priority_reasons),
        f"Risk cues: {', '.join(facts.cues) or 'none'}.",
        "Decisions: "
        + ("; ".join(f"{d.kind} at {_timestamp(d.at)}" for d in facts.decisions) or "none recorded")
        + ".",
    ]
    for report in facts.contents.reports:
        category = CATEGORY_BY_KEY.get(report.category)
        lines.append(
            f"Report {report.reference} by {report.reporter_account_id} "
            f"({BAND_WORDS.get(report.reporter_age_band, report.reporter_age_band)}) at "
            f"{_timestamp(as_utc(report.created_at))}: "
            f"{category.words if category else report.category}."
            + (f" In their words: {report.details}" if report.details else "")
        )
    lines += [
        f"Known abuse image {image.media_id}: hash bank {image.bank!r}, {image.kind.upper()} "
        f"{image.hash}, distance {image.distance}, transform {image.transform}, matched "
        f"{_timestamp(image.matched_at)}."
        for image in facts.known_images
    ]
    if facts.referral is not None:
        lines.append("Referral approved by a second child-safety specialist.")
    if facts.bundle is not None:
        lines.append(
            f"Evidence preserved: bundle {facts.bundle.id}, manifest SHA-256 "
            f"{facts.bundle.manifest_sha256}, kept until {_timestamp(facts.bundle.retain_until)}."
        )
    return "\n".join(lines)


def to_xml(report: ET.Element, draft: bool = False) -> str:
    ET.indent(report)
    mark = f"<!-- {DRAFT_MARK} -->\n" if draft else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + mark
        + ET.tostring(report, encoding="unicode")
        + "\n"
    )


def validate(xml: str) -> bool:
    """Validate against the XSD when it is available; False when it is not (nothing checked).

    Raises xmlschema's validation error naming the offending element when the XML is invalid.
    """
    schema_path = standard_file(XSD)
    if schema_path is None:
        return False
    _schema(str(schema_path)).validate(xml)
    return True


@functools.cache
def _schema(path: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(path)


def export_case(session: Session, case_id: str, platform: Platform | None = None) -> str:
    facts = gather(session, case_id)
    xml = to_xml(build_report(facts, platform or Platform.from_environment()), facts.draft)
    validate(xml)
    return xml


def validation_note(xml: str) -> str:
    """Validates the XML (raising when invalid) and says whether the XSD was there to do it."""
    if validate(xml):
        return "validated against the NCMEC XSD"
    return "not validated: NCMEC XSD not found (set CHILDSAFE_STANDARDS_DIR)"


EXPORTER = ReferralExporter(
    "ncmec",
    "NCMEC CyberTipline report XML",
    (ReferralFormat("xml", "application/xml", export_case),),
    check=validation_note,
)
