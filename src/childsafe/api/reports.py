"""POST /v1/reports (a user's report, answered with a reference and what happens next; one per
reporter, reported account and conversation while it waits: a repeat gets the first back, 200),
GET /v1/reports/{id} (the outcome in plain words for the reporter), GET /v1/reports/categories,
and POST /v1/reports/page-link (a signed link to the embeddable child-friendly report page)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import or_, select

from childsafe.api.auth import IngestKey
from childsafe.api.deps import DatabaseDep, in_one_transaction
from childsafe.api.errors import error_responses
from childsafe.api.fields import PlatformId
from childsafe.api.filings import FilerOrModerationKey, check_filer_or_moderation
from childsafe.cases.report_links import PAGE_LINK_SECONDS
from childsafe.cases.reports import (
    CATEGORIES,
    MAX_DETAILS,
    MAX_MESSAGES,
    SURFACES,
    ReportRejected,
    feedback,
    submit_report_once,
    what_happens_next,
)
from childsafe.console.helplines import emergency_number
from childsafe.console.report_page import report_page_url
from childsafe.model.clock import as_utc
from childsafe.store.tables.cases import Report
from childsafe.store.tables.service import Account

# The largest valid report (2,000 characters of details and 50 message ids of 128, every one
# an emoji JSON-escaped as two \uXXXX) is about 110 KiB; anything bigger is refused (413).
MAX_REPORT_BYTES = 128 * 1024
router = APIRouter(prefix="/v1/reports", tags=["reports"], max_body_size=MAX_REPORT_BYTES)


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, not ignored

    reporter_account_id: PlatformId
    reported_account_id: PlatformId
    category: str = Field(
        min_length=1,
        max_length=32,
        description="one of GET /v1/reports/categories, e.g. 'asked_for_pictures'",
    )
    surface: str = Field("chat", description=f"where it happened: {', '.join(SURFACES)}")
    conversation_id: PlatformId | None = None
    message_ids: list[PlatformId] = Field(default_factory=list, max_length=MAX_MESSAGES)
    details: str | None = Field(None, max_length=MAX_DETAILS, description="in the reporter's words")


class ReportReceipt(BaseModel):
    id: str
    reference: str
    status: str
    what_happens_next: str
    created_at: datetime
    already_received: bool = Field(
        description=(
            "true (HTTP 200): the same reporter already reported this account and conversation "
            "and nobody has acted on it yet; this is that report, nothing new was stored"
        )
    )


class ReportStatus(BaseModel):
    id: str
    reference: str
    category: str
    status: str = Field(description="received | in_progress | done")
    outcome: str = Field(description="what happened, in plain words for the reporter")
    created_at: datetime


class CategoryOut(BaseModel):
    key: str
    words: str


class PageLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reporter_account_id: PlatformId
    reported_account_id: PlatformId
    conversation_id: PlatformId | None = None


class PageLink(BaseModel):
    url: str
    expires_in_seconds: int


@router.get("/categories", response_model=list[CategoryOut], responses=error_responses())
def list_categories(_key: IngestKey) -> list[CategoryOut]:
    return [CategoryOut(key=c.key, words=c.words) for c in CATEGORIES]


@router.post(
    "",
    response_model=ReportReceipt,
    status_code=201,
    responses={
        200: {"model": ReportReceipt, "description": "Already received: the earlier report"},
        **error_responses(404, 422),
    },
)
def create_report(
    body: ReportIn, request: Request, response: Response, database: DatabaseDep, key: IngestKey
) -> ReportReceipt:
    """201 with a new report; 200 with `already_received: true` and the earlier report when the
    reporter already reported this account and conversation and nobody has acted on it yet
    (a retry, a double tap): safe to repeat."""
    sent = in_one_transaction(
        database,
        ReportRejected,
        lambda session: submit_report_once(
            session,
            reporter_account_id=body.reporter_account_id,
            reported_account_id=body.reported_account_id,
            category=body.category,
            surface=body.surface,
            conversation_id=body.conversation_id,
            message_ids=body.message_ids,
            details=body.details,
            submitted_by=key.actor,
            api_key_id=key.id,
        ),
    )
    if sent.already_received:
        response.status_code = 200
    report = sent.report
    return ReportReceipt(
        id=report.id,
        reference=report.reference,
        status="received",
        # The emergency number of the reader's country (CHILDSAFE_COUNTRY, or the language the
        # platform passes on in Accept-Language), as on the report page.
        what_happens_next=what_happens_next(
            emergency_number(request.headers.get("accept-language", ""))
        ),
        created_at=as_utc(report.created_at),
        already_received=sent.already_received,
    )


@router.post("/page-link", response_model=PageLink, responses=error_responses(404))
def create_page_link(
    body: PageLinkIn, request: Request, database: DatabaseDep, key: IngestKey
) -> PageLink:
    """A short-lived signed link the platform opens in its app for a child to report."""
    with database.session() as session:
        for account_id in (body.reporter_account_id, body.reported_account_id):
            if session.get(Account, account_id) is None:
                raise HTTPException(404, f"unknown account {account_id!r}")
    url = report_page_url(
        request,
        reporter_account_id=body.reporter_account_id,
        reported_account_id=body.reported_account_id,
        conversation_id=body.conversation_id,
        api_key_id=key.id,
    )
    return PageLink(url=url, expires_in_seconds=PAGE_LINK_SECONDS)


@router.get("/{report_id}", response_model=ReportStatus, responses=error_responses(404))
def get_report(
    report_id: Annotated[str, Path(max_length=128, description="the report id or its reference")],
    database: DatabaseDep,
    key: FilerOrModerationKey,
) -> ReportStatus:
    """A report's outcome: for moderation, or for the ingest key that submitted it (so the
    platform can tell the reporter)."""
    with database.session() as session:
        report = session.scalar(
            select(Report).where(or_(Report.id == report_id, Report.reference == report_id))
        )
        if report is None:
            raise HTTPException(404, f"unknown report {report_id!r}")
        check_filer_or_moderation(key, report.api_key_id, "the reports it submitted")
        answer = feedback(session, report)
        return ReportStatus(
            id=report.id,
            reference=report.reference,
            category=report.category,
            status=answer.status,
            outcome=answer.outcome,
            created_at=as_utc(report.created_at),
        )
