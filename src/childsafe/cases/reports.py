"""Reports from users (mostly children), in their own words, and the feedback we owe them.

A report joins the reported account's case (contract C), so a child's report and the
detector's alerts about the same person are in front of one moderator together. A child sends
one report per conversation while it waits (`submit_report_once`, for the API and the report
page alike): a second tap, a platform's retry or a second report link about the same
conversation gets the first report back instead of piling items onto the case.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cases.intake import CaseEvidence, open_or_update_case
from childsafe.model.clock import utcnow
from childsafe.store.tables.cases import Case, Report
from childsafe.store.tables.service import Account, StoredMessage


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    words: str  # how a child would say it; shown on the report page
    cues: tuple[str, ...]  # what it means for the case's priority


CATEGORIES: tuple[Category, ...] = (
    Category("threatening_me", "They are threatening me", ("threat_sextortion",)),
    Category("asked_for_pictures", "They asked for pictures of me", ("image_request",)),
    Category("wants_to_meet", "They want to meet me", ("meeting",)),
    Category("sent_me_pictures", "They sent me pictures I didn't want", ("sexual",)),
    Category("keep_a_secret", "They told me to keep it a secret", ("secrecy",)),
    Category("asked_where_i_live", "They asked where I live or go to school", ("personal_info",)),
    Category("other_app", "They want me to talk on another app", ("move_platform",)),
    Category("made_me_uncomfortable", "They made me feel uncomfortable", ("reported_concern",)),
    Category("something_else", "Something else", ("reported_concern",)),
)
CATEGORY_BY_KEY = {category.key: category for category in CATEGORIES}
SURFACES = ("chat", "profile", "image", "live", "group", "other")
MAX_DETAILS = 2000
MAX_MESSAGES = 50
# No 0/O or 1/I: a child may read the reference out over the phone.
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def what_happens_next(emergency_number: str | None) -> str:
    """What the reporter reads once the report is in. The emergency number is the reader's
    country's (from the helplines configuration); unknown, the words name none, since another
    country's number would not work where the child is."""
    danger = (
        f"call {emergency_number}"
        if emergency_number
        else "call the emergency number where you live"
    )
    return (
        "Thank you for telling us. A trained person will look at your report soon; the most "
        "worrying reports are looked at first. You can check what happened with your reference. "
        f"You can block this person at any time. If you are in danger right now, {danger}, or "
        "talk to an adult you trust."
    )


OUTCOME_WORDS = {
    "received": "We have your report. Nobody has looked at it yet, but someone will soon.",
    "in_progress": "A trained person is looking at your report now.",
    "dismissed": (
        "We looked carefully and did not find that this broke our rules. You were right to "
        "tell us: if anything else worries you, report it again, and you can always block them."
    ),
    "warn": "We looked at your report and warned the person you reported.",
    "restrict": (
        "We looked at your report and took action: the person you reported can no longer "
        "contact young people."
    ),
    "suspend": "We looked at your report and removed the account of the person you reported.",
    "referred": (
        "We looked at your report, removed what we needed to, and passed it on to people whose "
        "job is to keep children safe, like the police. Thank you for being brave and telling us."
    ),
    "resolved": "We looked at your report and dealt with it.",
}


class ReportRejected(ValueError):
    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def new_reference() -> str:
    return "R-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


@dataclass(frozen=True, slots=True)
class SentReport:
    report: Report
    # True: `report` was sent earlier (about the same conversation, or through the same report
    # link) and this submission stored nothing.
    already_received: bool


@dataclass(frozen=True, slots=True)
class _CheckedReport:
    reporter_account_id: str
    reported_account_id: str
    category: Category
    surface: str
    conversation_id: str | None
    details: str | None
    message_ids: list[str]
    reporter_age_band: str


def submit_report(
    session: Session,
    *,
    reporter_account_id: str,
    reported_account_id: str,
    category: str,
    surface: str = "chat",
    conversation_id: str | None = None,
    message_ids: Sequence[str] = (),
    details: str | None = None,
    submitted_by: str = audit.SYSTEM,
    api_key_id: str | None = None,
) -> Report:
    """Store the report and merge it into the reported account's case, in one transaction."""
    checked = _check_report(
        session,
        reporter_account_id=reporter_account_id,
        reported_account_id=reported_account_id,
        category=category,
        surface=surface,
        conversation_id=conversation_id,
        message_ids=message_ids,
        details=details,
    )
    return _store_report(session, checked, submitted_by, api_key_id)


def _store_report(
    session: Session, checked: _CheckedReport, submitted_by: str, api_key_id: str | None
) -> Report:
    chosen = checked.category
    now = utcnow()
    report_id = "rep_" + secrets.token_hex(8)
    case_id = open_or_update_case(
        session,
        CaseEvidence(
            suspect_account_id=checked.reported_account_id,
            source="report",
            source_id=report_id,
            victim_account_ids=(checked.reporter_account_id,),
            cues=tuple(chosen.cues),
            score=None,
            occurred_at=now,
        ),
    )
    report = Report(
        id=report_id,
        reference=new_reference(),
        reporter_account_id=checked.reporter_account_id,
        reported_account_id=checked.reported_account_id,
        reporter_age_band=checked.reporter_age_band,
        category=chosen.key,
        surface=checked.surface,
        conversation_id=checked.conversation_id,
        message_ids=checked.message_ids,
        details=checked.details,
        api_key_id=api_key_id,
        case_id=case_id,
        created_at=now,
    )
    session.add(report)
    session.flush()
    audit.record(
        session,
        actor=submitted_by,
        action="report.received",
        target_type="case",
        target_id=case_id,
        details={"report_id": report.id, "category": chosen.key, "surface": checked.surface},
        at=now,
    )
    return report


def submit_report_once(
    session: Session,
    *,
    reporter_account_id: str,
    reported_account_id: str,
    category: str,
    surface: str = "chat",
    conversation_id: str | None = None,
    message_ids: Sequence[str] = (),
    details: str | None = None,
    submitted_by: str = audit.SYSTEM,
    api_key_id: str | None = None,
) -> SentReport:
    """The report, stored now, or the earlier one about the same conversation while it waits
    (`earlier_report_waiting`): then nothing is stored, no case item, no event.

    The input is checked first either way, so a retry with bad input gets the error, not a
    receipt. Raises ReportRejected."""
    # Two submissions arrive together (a double tap, a platform's retry): the second must wait
    # for the first to commit, then find its report, rather than both finding none.
    audit.serialise_writes(session)
    checked = _check_report(
        session,
        reporter_account_id=reporter_account_id,
        reported_account_id=reported_account_id,
        category=category,
        surface=surface,
        conversation_id=conversation_id,
        message_ids=message_ids,
        details=details,
    )
    earlier = earlier_report_waiting(
        session,
        reporter_account_id=reporter_account_id,
        reported_account_id=reported_account_id,
        conversation_id=conversation_id,
        surface=checked.surface,
        category=checked.category.key,
    )
    if earlier is not None:
        return SentReport(earlier, already_received=True)
    report = _store_report(session, checked, submitted_by, api_key_id)
    return SentReport(report, already_received=False)


def earlier_report_waiting(
    session: Session,
    *,
    reporter_account_id: str,
    reported_account_id: str,
    conversation_id: str | None,
    surface: str,
    category: str | None,
) -> Report | None:
    """An earlier report this one repeats, whose case nobody has acted on yet.

    About a conversation: the same reporter, reported account and conversation id, whatever
    the category (the conversation is what was reported). The platform's conversation ids name
    one conversation whichever API key passes them on (a rotated key does not make it
    another), and another child in the same group chat is another reporter, with a report of
    their own. Without a conversation (a profile, an image): the same reporter, reported
    account, surface and category, also without a conversation (a double tap, a retry); another
    category is news. `category` None (a report link opened, nothing chosen yet) finds only a
    conversation's report. Once a moderator has acted on the case (it is no longer "open"), a
    new report is news and is sent like any other.
    """
    if conversation_id is not None:
        about = Report.conversation_id == conversation_id
    elif category is not None:
        about = and_(
            Report.conversation_id.is_(None),
            Report.surface == surface,
            Report.category == category,
        )
    else:
        return None
    return session.scalar(
        select(Report)
        .join(Case, Case.id == Report.case_id)
        .where(
            Report.reporter_account_id == reporter_account_id,
            Report.reported_account_id == reported_account_id,
            about,
            Case.status == "open",
        )
        .order_by(Report.created_at)
        .limit(1)
    )


def _check_report(
    session: Session,
    *,
    reporter_account_id: str,
    reported_account_id: str,
    category: str,
    surface: str,
    conversation_id: str | None,
    message_ids: Sequence[str],
    details: str | None,
) -> _CheckedReport:
    """The report's input, normalised; ReportRejected with the reason when it is not valid."""
    chosen = CATEGORY_BY_KEY.get(category)
    if chosen is None:
        raise ReportRejected(
            f"unknown category {category!r}; use one of: {', '.join(CATEGORY_BY_KEY)}"
        )
    if surface not in SURFACES:
        raise ReportRejected(f"unknown surface {surface!r}; use one of: {', '.join(SURFACES)}")
    if reporter_account_id == reported_account_id:
        raise ReportRejected("the reporter and the reported account must be different")
    details = (details or "").strip() or None
    if details and len(details) > MAX_DETAILS:
        raise ReportRejected(f"details: at most {MAX_DETAILS} characters")
    message_ids = list(dict.fromkeys(message_ids))
    if len(message_ids) > MAX_MESSAGES:
        raise ReportRejected(f"message_ids: at most {MAX_MESSAGES} messages per report")
    reporter = session.get(Account, reporter_account_id)
    if reporter is None:
        raise ReportRejected(f"unknown reporter account {reporter_account_id!r}", 404)
    if session.get(Account, reported_account_id) is None:
        raise ReportRejected(f"unknown reported account {reported_account_id!r}", 404)
    _check_messages(session, conversation_id, message_ids)
    return _CheckedReport(
        reporter_account_id,
        reported_account_id,
        chosen,
        surface,
        conversation_id,
        details,
        message_ids,
        reporter.age_band,
    )


def _check_messages(
    session: Session, conversation_id: str | None, message_ids: Sequence[str]
) -> None:
    if not message_ids:
        return
    if conversation_id is None:
        raise ReportRejected("message_ids need the conversation_id they belong to")
    found = set(
        session.scalars(
            select(StoredMessage.id).where(
                StoredMessage.id.in_(message_ids), StoredMessage.conversation_id == conversation_id
            )
        )
    )
    missing = [message_id for message_id in message_ids if message_id not in found]
    if missing:
        raise ReportRejected(
            f"unknown message(s) in conversation {conversation_id!r}: {', '.join(missing[:5])}"
        )


def report_by_reference(session: Session, reference: str) -> Report | None:
    return session.scalar(select(Report).where(Report.reference == reference))


@dataclass(frozen=True, slots=True)
class Feedback:
    status: str  # received | in_progress | done
    outcome: str  # plain words for the reporter


def feedback(session: Session, report: Report) -> Feedback:
    case = session.get(Case, report.case_id)
    if case is None or case.status == "open":
        return Feedback("received", OUTCOME_WORDS["received"])
    if case.status != "closed" and case.outcome not in ("referred", "suspend", "restrict"):
        return Feedback("in_progress", OUTCOME_WORDS["in_progress"])
    outcome = case.outcome or "resolved"
    return Feedback("done", OUTCOME_WORDS.get(outcome, OUTCOME_WORDS["resolved"]))
