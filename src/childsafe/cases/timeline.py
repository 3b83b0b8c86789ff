"""What a case is made of, read back: its alerts, reports and the conversations they point at,
with the messages that drove each alert or report flagged with their reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.cases.clock import as_utc
from childsafe.store.tables.cases import Case, CaseItem, Report
from childsafe.store.tables.service import Alert, StoredMessage

# A conversation can be long; the console shows the latest part (evidence keeps all of it).
CONSOLE_MESSAGE_LIMIT = 400


@dataclass(frozen=True, slots=True)
class Flag:
    source: str  # alert | report
    label: str  # the cues, or the child's category
    detail: str  # why: the excerpt the detector matched, or the reporter's words


@dataclass(slots=True)
class TimelineMessage:
    id: str
    sequence: int
    sender_id: str
    text: str
    sent_at: datetime
    verdict: str
    flags: list[Flag] = field(default_factory=list)


@dataclass(slots=True)
class ConversationTimeline:
    conversation_id: str
    messages: list[TimelineMessage]
    truncated: bool


@dataclass(slots=True)
class CaseContents:
    case: Case
    items: list[CaseItem]
    alerts: list[Alert]
    reports: list[Report]
    conversations: list[ConversationTimeline]


def _alert_flags(alert: Alert) -> dict[str, list[Flag]]:
    flags: dict[str, list[Flag]] = {}
    for reason in alert.reasons:
        message_id = reason.get("message_id")
        if not message_id:
            continue
        cues = reason.get("cues") or []
        label = ", ".join(str(cue).replace("_", " ") for cue in cues) or "risk"
        detail = str(reason.get("excerpt") or reason.get("rule") or "")
        flags.setdefault(message_id, []).append(Flag("alert", label, detail))
    if alert.message_id not in flags:
        rules = ", ".join(alert.rules) or "alert"
        flags.setdefault(alert.message_id, []).append(
            Flag("alert", f"alert fired ({rules})", f"score {alert.score:.2f}")
        )
    return flags


def _report_flags(report: Report) -> dict[str, list[Flag]]:
    words = report.category.replace("_", " ")
    return {
        message_id: [Flag("report", f"reported: {words}", report.details or "")]
        for message_id in report.message_ids
    }


def _merge(target: dict[str, list[Flag]], more: Mapping[str, list[Flag]]) -> None:
    for message_id, flags in more.items():
        target.setdefault(message_id, []).extend(flags)


def load_case(
    session: Session, case_id: str, message_limit: int | None = CONSOLE_MESSAGE_LIMIT
) -> CaseContents | None:
    """The case with everything it merged; None when there is no such case."""
    case = session.get(Case, case_id)
    if case is None:
        return None
    items = list(
        session.scalars(select(CaseItem).where(CaseItem.case_id == case_id).order_by(CaseItem.id))
    )
    alert_ids = [item.source_id for item in items if item.source == "alert"]
    alerts = (
        list(
            session.scalars(select(Alert).where(Alert.id.in_(alert_ids)).order_by(Alert.created_at))
        )
        if alert_ids
        else []
    )
    reports = list(
        session.scalars(select(Report).where(Report.case_id == case_id).order_by(Report.created_at))
    )
    flags: dict[str, list[Flag]] = {}
    conversation_ids: list[str] = []
    for alert in alerts:
        _merge(flags, _alert_flags(alert))
        conversation_ids.append(alert.conversation_id)
    for report in reports:
        _merge(flags, _report_flags(report))
        if report.conversation_id:
            conversation_ids.append(report.conversation_id)
    conversations = [
        _conversation(session, conversation_id, flags, message_limit)
        for conversation_id in dict.fromkeys(conversation_ids)
    ]
    return CaseContents(case, items, alerts, reports, conversations)


def _conversation(
    session: Session,
    conversation_id: str,
    flags: Mapping[str, list[Flag]],
    limit: int | None,
) -> ConversationTimeline:
    query = (
        select(StoredMessage)
        .where(StoredMessage.conversation_id == conversation_id)
        .order_by(StoredMessage.sequence.desc())
    )
    if limit is not None:
        query = query.limit(limit + 1)
    rows = list(session.scalars(query))
    truncated = limit is not None and len(rows) > limit
    rows = rows[:limit] if limit is not None else rows
    messages = [
        TimelineMessage(
            id=row.id,
            sequence=row.sequence,
            sender_id=row.sender_id,
            text=row.text,
            sent_at=as_utc(row.sent_at),
            verdict=row.verdict,
            flags=list(flags.get(row.id, [])),
        )
        for row in reversed(rows)
    ]
    return ConversationTimeline(conversation_id, messages, truncated)


def message_document(message: TimelineMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "sequence": message.sequence,
        "sender_id": message.sender_id,
        "text": message.text,
        "sent_at": message.sent_at.isoformat(),
        "verdict": message.verdict,
        "flags": [
            {"source": flag.source, "label": flag.label, "detail": flag.detail}
            for flag in message.flags
        ],
    }
