"""The child-friendly report page a platform embeds (web view or iframe).

The platform asks POST /v1/reports/page-link (with its API key) for a link that names the
reporter and the reported account (childsafe.cases.report_links: signed, for 30 minutes, one
report, while the key is active), so the page itself needs no API key and a child cannot be
made to report as someone else. Two steps: pick what happened (large buttons), optionally say
more; the answer is a reference, what happens next and a link to the report's status page
(`/report/status/<reference>`, signed, so only the reporter's page holds it). Every answer,
errors included, is a page in the same look, never JSON: a child reads it.

The link's address comes from CHILDSAFE_PUBLIC_URL (e.g. https://safety.example.org); without
it, from the address and port the server accepted the request on (right for 127.0.0.1 and
tests), never from the Host header, which the caller chooses.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from childsafe.cases.report_links import (
    LinkRefused,
    ReportLink,
    ReportLinks,
    report_already_sent,
    report_through_link,
)
from childsafe.cases.reports import (
    CATEGORIES,
    MAX_DETAILS,
    ReportRejected,
    feedback,
    report_by_reference,
    what_happens_next,
)
from childsafe.console.helplines import block_url, emergency_number, helplines
from childsafe.console.secret import app_secret
from childsafe.console.web import database_of, templates
from childsafe.runtime.rate_limits import rate_limits_of, retry_after
from childsafe.store.tables.cases import Report

PUBLIC_URL_ENV = "CHILDSAFE_PUBLIC_URL"
_DEFAULT_PORTS = {"http": 80, "https": 443}


class ReportPageRoute(APIRoute):
    """Answers a form the route cannot read (too long, say) with the page, not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_errors(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                fields = ", ".join(
                    sorted({str(e.get("loc", ("form",))[-1]) for e in error.errors()})
                )
                words = (
                    f"We could not read that ({fields}). Go back to the app and tap Report again."
                )
                return _page(request, status=400, token=None, error=words)

        return page_errors


router = APIRouter(include_in_schema=False, route_class=ReportPageRoute)


def _links(request: Request) -> ReportLinks:
    links: ReportLinks | None = getattr(request.app.state, "report_links", None)
    if links is None:
        links = request.app.state.report_links = ReportLinks(app_secret())
    return links


def _public_base(request: Request) -> str:
    configured = os.environ.get(PUBLIC_URL_ENV, "").strip().rstrip("/")
    if configured:
        parts = urlsplit(configured)
        if parts.scheme not in _DEFAULT_PORTS or not parts.netloc:
            raise HTTPException(
                503, f"{PUBLIC_URL_ENV}={configured!r} is not an http(s) address; fix the setting"
            )
        return configured
    server = request.scope.get("server")
    if not server:
        raise HTTPException(503, f"set {PUBLIC_URL_ENV}: this server does not know its address")
    host, port = str(server[0]), server[1]
    scheme = request.scope.get("scheme", "http")
    host = f"[{host}]" if ":" in host else host  # an IPv6 address
    return f"{scheme}://{host}" + ("" if port in (None, _DEFAULT_PORTS.get(scheme)) else f":{port}")


def report_page_url(
    request: Request,
    *,
    reporter_account_id: str,
    reported_account_id: str,
    conversation_id: str | None,
    api_key_id: str,
) -> str:
    token = _links(request).sign(
        reporter_account_id=reporter_account_id,
        reported_account_id=reported_account_id,
        conversation_id=conversation_id,
        api_key_id=api_key_id,
    )
    # The token is URL-safe base64: nothing in it needs escaping.
    return f"{_public_base(request)}{request.app.url_path_for('report_page')}?t={token}"


def _page(
    request: Request,
    status: int = 200,
    headers: dict[str, str] | None = None,
    template: str = "report.html",
    **context: Any,
) -> Response:
    base = {
        "categories": CATEGORIES,
        "max_details": MAX_DETAILS,
        "error": None,
        "receipt": None,
        "helplines": helplines(request.headers.get("accept-language", "")),
    }
    return templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status, headers=headers
    )


def _status_path(request: Request, reference: str) -> str:
    """The status page's address relative to the report page's (so it works under
    CHILDSAFE_PUBLIC_URL's path too)."""
    return f"report/status/{reference}?s={_links(request).status_signature(reference)}"


def _receipt(request: Request, report: Report, *, already_received: bool) -> Response:
    language = request.headers.get("accept-language", "")
    return _page(
        request,
        status=200 if already_received else 201,
        token=None,
        receipt={
            "reference": report.reference,
            "next": what_happens_next(emergency_number(language)),
            "already": already_received,
            "status_url": _status_path(request, report.reference),
            "block_url": block_url(report.reported_account_id),
        },
    )


_EXPIRED = "This report link has expired. Go back to the app and tap Report again."


def _expired(request: Request) -> Response:
    return _page(request, status=403, token=None, error=_EXPIRED)


def _open(request: Request, token: str | None) -> ReportLink | Response:
    """The link a token signs, or the page that says why it cannot be used now."""
    if not token:
        return _expired(request)
    try:
        link = _links(request).read(token)
    except LinkRefused:
        return _expired(request)
    wait = rate_limits_of(request.app).link(link.id)
    if wait is not None:
        error = (
            f"This link was used many times just now. Please wait {wait} seconds, then try again."
        )
        return _page(request, status=429, headers=retry_after(wait), token=None, error=error)
    return link


@router.get("/report", name="report_page")
def report_page(
    request: Request, t: Annotated[str | None, Query(max_length=2000)] = None
) -> Response:
    link = _open(request, t)
    if isinstance(link, Response):
        return link
    try:
        with database_of(request).session() as session:
            earlier = report_already_sent(session, link)
    except LinkRefused:
        return _expired(request)
    if earlier is not None:
        return _receipt(request, earlier, already_received=True)
    return _page(request, token=t)


@router.post("/report")
def send_report(
    request: Request,
    t: Annotated[str, Form(max_length=2000)] = "",
    category: Annotated[str, Form(max_length=32)] = "",
    details: Annotated[str, Form(max_length=MAX_DETAILS * 2)] = "",
) -> Response:
    link = _open(request, t)
    if isinstance(link, Response):
        return link
    if not category:
        return _page(request, status=400, token=t, error="Please choose what happened.")
    try:
        with database_of(request).session() as session:
            sent = report_through_link(session, link, category=category, details=details)
    except LinkRefused:
        return _expired(request)
    except ReportRejected as rejected:
        return _page(request, status=rejected.status, token=t, error=rejected.message)
    return _receipt(request, sent.report, already_received=sent.already_received)


_UNKNOWN_REPORT = (
    "We could not find that report. Check the reference, or go back to the app and tap Report "
    "again."
)


@router.get("/report/status/{reference}", name="report_status_page")
def report_status_page(
    request: Request,
    reference: Annotated[str, Path(max_length=16)],
    s: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """What happened with a report, in plain words, for whoever holds its signed address."""
    # The signature first: forged addresses must not use up the real page's rate limit.
    if not _links(request).status_allowed(reference, s):
        return _page(request, status=404, token=None, error=_UNKNOWN_REPORT)
    wait = rate_limits_of(request.app).link(f"status:{reference}")
    if wait is not None:
        error = f"This page was opened many times just now. Please wait {wait} seconds."
        return _page(request, status=429, headers=retry_after(wait), token=None, error=error)
    with database_of(request).session() as session:
        report = report_by_reference(session, reference)
        if report is None:
            return _page(request, status=404, token=None, error=_UNKNOWN_REPORT)
        answer = feedback(session, report)
        blocking = block_url(report.reported_account_id)
    return _page(
        request,
        template="report_status.html",
        reference=reference,
        feedback=answer,
        block_url=blocking,
    )
