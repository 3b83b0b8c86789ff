"""What a case is made of, read back: its alerts, reports and the conversations they point at,
with the messages that drove each alert or report flagged with their reasons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.model.clock import as_utc
from childsafe.store.tables.cases import Case, CaseItem, Report
from childsafe.store.tables.hashbanks import StoredMedia
from childsafe.store.tables.service import Alert, StoredMessage

# A conversation can be long; the console shows the latest part (evidence keeps all of it).
CONSOLE_MESSAGE_LIMIT = 400


@dataclass(frozen=True, slots=True)
class Flag:
    source: str  # alert | report
    label: str  # the cues, or the child's category
    detail: str  # the evidence: the words matched, or the reporter's own words
    why: str = ""  # the rule that used it, in words

    def describe(self) -> str:
        text = self.label + (f": “{self.detail}”" if self.detail else "")
        return text + (f" ({self.why})" if self.why else "")


@dataclass(slots=True)
class TimelineMessage:
    id: str
    sequence: int
    sender_id: str
    text: str
    sent_at: datetime
    verdict: str
    flags: list[Flag] = field(default_factory=list)
    media_id: str | None = None  # an image (shown blurred until clicked), not a text message


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


def _words(names: Iterable[Any]) -> str:
    return ", ".join(str(name).replace("_", " ") for name in names)


def _alert_flags(alert: Alert) -> dict[str, list[Flag]]:
    """Flags from an alert's reasons: the rule matches on the firing message (with the cue
    evidence) and, for the detector's rule, the tactics in the messages where the author
    first used them and the earlier messages that drove the risk."""
    flags: dict[str, list[Flag]] = {}

    def add(message_id: str, label: str, detail: str, why: str) -> None:
        _merge(flags, {message_id: [Flag("alert", label, detail, why)]})

    for reason in alert.reasons:
        rule = str(reason.get("rule") or "")
        why = str(reason.get("description") or rule.replace("_", " "))
        tactics = [t for t in reason.get("tactics") or [] if isinstance(t, dict)]
        for tactic in tactics:
            if tactic.get("message_id"):
                add(str(tactic["message_id"]), *_tactic_words(tactic, "matched"), why)
        for driver in reason.get("messages") or []:
            message_id = str(driver.get("message_id"))
            if message_id not in flags:  # a message flagged with its tactics says it already
                add(
                    message_id,
                    _words(driver.get("cues") or []) or "wording like known groomers'",
                    str(driver.get("excerpt") or ""),
                    why,
                )
        cues = [cue for cue in reason.get("cues") or [] if isinstance(cue, dict)]
        if cues:
            for cue in cues:
                add(alert.message_id, *_tactic_words(cue, "evidence"), why)
        elif reason.get("message_id"):  # the detector's own Reason shape (contract A)
            add(
                str(reason["message_id"]),
                _words(reason.get("cues") or []) or "risk",
                str(reason.get("excerpt") or ""),
                why,
            )
        elif rule and not reason.get("messages"):
            add(alert.message_id, rule.replace("_", " "), "", why)
    if alert.message_id not in flags:
        add(alert.message_id, "alert fired", f"score {alert.score:.2f}", _words(alert.rules))
    return flags


def _report_flags(report: Report) -> dict[str, list[Flag]]:
    words = report.category.replace("_", " ")
    return {
        message_id: [Flag("report", f"reported: {words}", report.details or "", "a user's report")]
        for message_id in report.message_ids
    }


def _tactic_words(tactic: Mapping[str, Any], matched_key: str) -> tuple[str, str]:
    """(label, detail) of a tactic or cue: its meaning, the words matched and, when the sender
    disguised them, the words as written."""
    label = str(tactic.get("meaning") or _words([tactic.get("tactic") or tactic.get("name")]))
    matched = str(tactic.get(matched_key) or "")
    written = str(tactic.get("as_written") or "")
    if written and written != matched:
        return label, f"{matched}, written “{written}”"
    return label, matched


def _merge(target: dict[str, list[Flag]], more: Mapping[str, list[Flag]]) -> None:
    """Add the flags a message does not show yet: the same words found by another rule or
    alert are shown once, with the first rule that used them."""
    for message_id, flags in more.items():
        existing = target.setdefault(message_id, [])
        shown = {(f.source, f.label, f.detail) for f in existing}
        for flag in flags:
            if (flag.source, flag.label, flag.detail) not in shown:
                existing.append(flag)
                shown.add((flag.source, flag.label, flag.detail))


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
    matched = [item.source_id for item in items if item.source == "hash_match"]
    for media_id, conversation_id in session.execute(
        select(StoredMedia.id, StoredMedia.conversation_id).where(StoredMedia.id.in_(matched))
    ):
        flag = Flag("hash_match", "known abuse image", "matched a hash list", "hash match")
        _merge(flags, {media_id: [flag]})
        conversation_ids.append(conversation_id)
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
    images = session.execute(
        select(StoredMedia.id, StoredMedia.sender_id, StoredMedia.sent_at, StoredMedia.verdict)
        .where(StoredMedia.conversation_id == conversation_id)
        .order_by(StoredMedia.sent_at)
    ).all()
    earliest = messages[0].sent_at if truncated and messages else None
    messages += [
        TimelineMessage(
            id=image.id,
            sequence=-1,
            sender_id=image.sender_id,
            text="",
            sent_at=as_utc(image.sent_at),
            verdict=image.verdict,
            flags=list(flags.get(image.id, [])),
            media_id=image.id,
        )
        for image in images
        if earliest is None or as_utc(image.sent_at) >= earliest
    ]
    messages.sort(key=lambda message: message.sent_at)
    return ConversationTimeline(conversation_id, messages, truncated)


def message_document(message: TimelineMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "sequence": message.sequence,
        "sender_id": message.sender_id,
        "text": message.text,
        "sent_at": message.sent_at.isoformat(),
        "verdict": message.verdict,
        "media_id": message.media_id,
        "flags": [
            {"source": flag.source, "label": flag.label, "detail": flag.detail, "why": flag.why}
            for flag in message.flags
        ],
    }


def case_of_media(session: Session, media_id: str) -> str | None:
    """The case whose evidence includes this image (matched, or in one of its conversations)."""
    matched = session.scalar(
        select(CaseItem.case_id).where(
            CaseItem.source == "hash_match", CaseItem.source_id == media_id
        )
    )
    if matched is not None:
        return matched
    conversation_id = session.scalar(
        select(StoredMedia.conversation_id).where(StoredMedia.id == media_id)
    )
    if conversation_id is None:
        return None
    alerted = session.scalar(
        select(CaseItem.case_id)
        .join(Alert, Alert.id == CaseItem.source_id)
        .where(CaseItem.source == "alert", Alert.conversation_id == conversation_id)
        .limit(1)
    )
    if alerted is not None:
        return alerted
    return session.scalar(
        select(Report.case_id).where(Report.conversation_id == conversation_id).limit(1)
    )
