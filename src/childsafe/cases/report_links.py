"""Signed links to the child-friendly report page, the one report each link may send, and the
signed address of a report's status page.

A link names the reporter, the reported account and the conversation, signed for the API key
that asked for it. It works for PAGE_LINK_SECONDS, only while that key is active, and for one
report: a second submission through it gets the first report's reference back instead of a
second report, so replaying a link cannot pile reports onto a case. The first report is found
in the reports table (same key, reporter, reported account and conversation, made since the
link was signed), so no column records which link sent it. A report about the same
conversation sent earlier, through another link or the API, counts too while nobody has acted
on it yet (`childsafe.cases.reports.submit_report_once`, which the API uses as well).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from itsdangerous import BadSignature, Signer, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cases.reports import (
    SentReport,
    earlier_report_waiting,
    submit_report_once,
)
from childsafe.store.tables.cases import Report
from childsafe.store.tables.service import ApiKey

PAGE_LINK_SECONDS = 30 * 60
_SALT = "childsafe.report-page"
_STATUS_SALT = "childsafe.report-status"


class LinkRefused(Exception):
    """The link is forged, expired, or its key was revoked: it can never work again."""


@dataclass(frozen=True, slots=True)
class ReportLink:
    reporter_account_id: str
    reported_account_id: str
    conversation_id: str | None
    api_key_id: str
    signed_at: datetime

    @property
    def surface(self) -> str:
        """Where the report is from: a link without a conversation reports a profile."""
        return "chat" if self.conversation_id else "profile"

    @property
    def id(self) -> str:
        """Names the link by what it signs: one link has one name however its token is spelled."""
        signed = "\n".join(
            (
                self.api_key_id,
                self.reporter_account_id,
                self.reported_account_id,
                self.conversation_id or "",
                self.signed_at.isoformat(),
            )
        )
        return hashlib.sha256(signed.encode("utf-8")).hexdigest()


class ReportLinks:
    """Signs and reads link tokens with the app's secret."""

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT)
        self._status = Signer(secret, salt=_STATUS_SALT)

    def status_signature(self, reference: str) -> str:
        """Signs a report's reference for its status page: whoever was shown the reference on
        the page that sent the report can come back to it, nobody can guess another's. It does
        not expire: a child may look days later."""
        return self._status.get_signature(reference).decode("ascii")

    def status_allowed(self, reference: str, signature: str) -> bool:
        return self._status.verify_signature(reference, signature)

    def sign(
        self,
        *,
        reporter_account_id: str,
        reported_account_id: str,
        conversation_id: str | None,
        api_key_id: str,
    ) -> str:
        return self._serializer.dumps(
            {
                "reporter": reporter_account_id,
                "reported": reported_account_id,
                "conversation": conversation_id,
                "key": api_key_id,
            }
        )

    def read(self, token: str) -> ReportLink:
        """The link a token signs; LinkRefused when forged or expired (SignatureExpired is a
        BadSignature)."""
        try:
            claims: dict[str, Any]
            claims, signed_at = self._serializer.loads(
                token, max_age=PAGE_LINK_SECONDS, return_timestamp=True
            )
            return ReportLink(
                reporter_account_id=str(claims["reporter"]),
                reported_account_id=str(claims["reported"]),
                conversation_id=claims.get("conversation"),
                api_key_id=str(claims["key"]),
                signed_at=signed_at.astimezone(UTC),
            )
        except (BadSignature, KeyError, TypeError) as error:
            raise LinkRefused("forged, damaged or expired link") from error


def report_already_sent(session: Session, link: ReportLink) -> Report | None:
    """The report this link already sent, or one about the same conversation still waiting for
    a moderator; None when there is none. LinkRefused once the link's key was revoked."""
    _check_key_active(session, link)
    return _sent_through(session, link) or earlier_report_waiting(
        session,
        reporter_account_id=link.reporter_account_id,
        reported_account_id=link.reported_account_id,
        conversation_id=link.conversation_id,
        surface=link.surface,
        category=None,
    )


def _check_key_active(session: Session, link: ReportLink) -> None:
    key = session.get(ApiKey, link.api_key_id)
    if key is None or key.revoked:
        raise LinkRefused(f"the key {link.api_key_id!r} that signed the link is revoked")


def _sent_through(session: Session, link: ReportLink) -> Report | None:
    conversation = (
        Report.conversation_id.is_(None)
        if link.conversation_id is None
        else Report.conversation_id == link.conversation_id
    )
    return session.scalar(
        select(Report)
        .where(
            Report.api_key_id == link.api_key_id,
            Report.reporter_account_id == link.reporter_account_id,
            Report.reported_account_id == link.reported_account_id,
            conversation,
            Report.created_at >= link.signed_at,
        )
        .order_by(Report.created_at)
        .limit(1)
    )


def report_through_link(
    session: Session, link: ReportLink, *, category: str, details: str | None
) -> SentReport:
    """The link's one report: made now, or the one an earlier submission made (through this
    link, or about the same conversation while it waits).

    Raises LinkRefused (revoked key) or ReportRejected (bad category or details)."""
    # Two taps on "Send" arrive together: the second must wait for the first to commit, then
    # find its report, rather than both finding none. (submit_report_once takes the same lock
    # again: harmless within one transaction.)
    audit.serialise_writes(session)
    _check_key_active(session, link)
    earlier = _sent_through(session, link)
    if earlier is not None:
        return SentReport(earlier, already_received=True)
    return submit_report_once(
        session,
        reporter_account_id=link.reporter_account_id,
        reported_account_id=link.reported_account_id,
        category=category,
        surface=link.surface,
        conversation_id=link.conversation_id,
        details=details,
        submitted_by=f"api:{link.api_key_id}",
        api_key_id=link.api_key_id,
    )
