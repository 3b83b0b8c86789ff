"""EU DSA statements of reasons (Art. 17, submitted under Art. 24(5)) for our decisions.

One statement per decision that restricted an account: "restrict" (the account can no longer
contact children: a partial suspension of the service) and "suspend" (the account is suspended).
Warnings, dismissals, preservation and referrals restrict nothing, so they need no statement.
No personal data goes in: the puid is our opaque action id, and the facts are written from the
case's severity and source, never from its messages, names or account ids.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from childsafe.model.clock import as_utc
from childsafe.referrals.standards import standard_file
from childsafe.store.tables.cases import Case, CaseAction, CaseItem
from childsafe.transparency.figures import window

SCHEMA = "dsa-sor/statement-of-reasons.schema.json"
RESTRICTIONS: dict[str, dict[str, str]] = {
    "restrict": {"decision_provision": "DECISION_PROVISION_PARTIAL_SUSPENSION"},
    "suspend": {"decision_account": "DECISION_ACCOUNT_SUSPENDED"},
}
BATCH = 100  # the DSA database takes at most 100 statements per POST /api/v1/statements
SCOPE_ENV = "CHILDSAFE_DSA_TERRITORIAL_SCOPE"  # e.g. "IE,NL"; omitted when unset
GROUND = "Terms of service: protection of children from grooming and sexual exploitation"
SEVERITY_WORDS = {
    "threat_sextortion": "threats or sextortion aimed at a child",
    "known_abuse_image": "an image matching a list of known child sexual abuse material",
    "meeting": "attempts to arrange to meet a child",
    "image_request": "requests for images from a child",
    "sexual": "sexual messages to a child",
    "move_platform": "pressure on a child to move to another app",
    "secrecy": "pressure on a child to keep the contact secret",
    "personal_info": "requests for a child's personal details",
    "gifts_flattery": "flattery or gifts typical of grooming",
    "reported_concern": "a child's report of concerning contact",
}


def _facts(kind: str, severity: str, automated: bool, automated_decision: bool = False) -> str:
    found_by = (
        "Our automated safety systems flagged the account"
        if automated
        else "A user reported the account"
    )
    what = SEVERITY_WORDS.get(severity, "behaviour that puts children at risk")
    decided = (
        "restricted the account so that it can no longer contact children"
        if kind == "restrict"
        else "suspended the account"
    )
    by = (
        "Our automated moderation tool assessed the conversation and"
        if automated_decision
        else "A trained moderator reviewed the conversation and"
    )
    return (
        f"{found_by} for {what}. {by} {decided}, "
        "in line with our terms of service on protecting children."
    )


def statement(
    action_id: str,
    kind: str,
    severity: str,
    automated: bool,
    content_date: date,
    application_date: date,
    automated_decision: bool = False,
) -> dict[str, Any]:
    images = severity == "known_abuse_image"
    document: dict[str, Any] = {
        "puid": action_id,
        **RESTRICTIONS[kind],
        "account_type": "ACCOUNT_TYPE_PRIVATE",
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": GROUND,
        "incompatible_content_explanation": _facts(kind, severity, automated, automated_decision),
        "content_type": ["CONTENT_TYPE_IMAGE"] if images else ["CONTENT_TYPE_TEXT"],
        "category": "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        "category_specification": [
            "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"
            if images
            else "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS"
        ],
        "content_date": content_date.isoformat(),
        "application_date": application_date.isoformat(),
        "decision_facts": _facts(kind, severity, automated, automated_decision),
        "source_type": "SOURCE_VOLUNTARY" if automated else "SOURCE_ARTICLE_16",
        "automated_detection": "Yes" if automated else "No",
        "automated_decision": "AUTOMATED_DECISION_FULLY"
        if automated_decision
        else "AUTOMATED_DECISION_NOT_AUTOMATED",
    }
    scope = [
        code.strip().upper() for code in os.environ.get(SCOPE_ENV, "").split(",") if code.strip()
    ]
    if scope:
        document["territorial_scope"] = scope
    return document


def statements(session: Session, start: date, end: date) -> Iterator[dict[str, Any]]:
    """Statements for the restricting decisions taken in the period, oldest first (streamed)."""
    low, high = window(start, end)
    # content_date: when the content was sent (the case's earliest message, match or report).
    sent = (
        select(CaseItem.case_id, func.min(CaseItem.occurred_at).label("first_sent"))
        .group_by(CaseItem.case_id)
        .subquery()
    )
    rows = session.execute(
        select(
            CaseAction.id,
            CaseAction.kind,
            CaseAction.severity,
            CaseAction.automated_detection,
            CaseAction.automated_decision,
            CaseAction.created_at,
            func.coalesce(sent.c.first_sent, Case.opened_at),
        )
        .join(Case, Case.id == CaseAction.case_id)
        .outerjoin(sent, sent.c.case_id == CaseAction.case_id)
        .where(
            CaseAction.kind.in_(list(RESTRICTIONS)),
            CaseAction.created_at >= low,
            CaseAction.created_at < high,
        )
        .order_by(CaseAction.created_at, CaseAction.id)
        .execution_options(yield_per=5000)
    )
    for action_id, kind, severity, automated, by_tool, created_at, first_sent in rows:
        yield statement(
            action_id,
            kind,
            severity,
            bool(automated),
            as_utc(first_sent).date(),
            as_utc(created_at).date(),
            automated_decision=bool(by_tool),
        )


def batches(session: Session, start: date, end: date) -> Iterator[list[dict[str, Any]]]:
    """The period's statements in batches of at most 100 (one POST /api/v1/statements each)."""
    batch: list[dict[str, Any]] = []
    for document in statements(session, start, end):
        batch.append(document)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def batch_line(batch: list[dict[str, Any]]) -> str:
    """One JSON line: a ready request body, {"statements": [...]}."""
    return json.dumps({"statements": batch}, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class StatementSchema:
    """The DSA database's statement schema, as found beside the checkout."""

    path: Path
    validator: Any  # a jsonschema validator for one statement

    def describe(self) -> str:
        title = self.validator.schema.get("title") or "statement of reasons"
        return f"{title} JSON schema ({self.path})"


def validator() -> StatementSchema | None:
    """The statement schema's validator, when the schema is available."""
    path = standard_file(SCHEMA)
    if path is None:
        return None
    import jsonschema

    schema = json.loads(path.read_text())
    return StatementSchema(
        path, jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    )
