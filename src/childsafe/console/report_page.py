"""The child-friendly report page a platform embeds (web view or iframe).

The platform asks POST /v1/reports/page-link (with its API key) for a link that names the
reporter and the reported account, signed and valid for 30 minutes, so the page itself needs
no API key and a child cannot be made to report as someone else. Two steps: pick what happened
(large buttons), optionally say more; the answer is a reference and what happens next.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from childsafe.cases.reports import (
    CATEGORIES,
    MAX_DETAILS,
    WHAT_HAPPENS_NEXT,
    ReportRejected,
    submit_report,
)
from childsafe.console.secret import app_secret
from childsafe.console.web import database_of, templates

router = APIRouter(include_in_schema=False)
PAGE_LINK_SECONDS = 30 * 60
_SALT = "childsafe.report-page"


def _serializer(request: Request) -> URLSafeTimedSerializer:
    secret = getattr(request.app.state, "secret_key", None) or app_secret()
    request.app.state.secret_key = secret
    return URLSafeTimedSerializer(secret, salt=_SALT)


def report_page_url(
    request: Request,
    *,
    reporter_account_id: str,
    reported_account_id: str,
    conversation_id: str | None,
    api_key_id: str,
) -> str:
    token = _serializer(request).dumps(
        {
            "reporter": reporter_account_id,
            "reported": reported_account_id,
            "conversation": conversation_id,
            "key": api_key_id,
        }
    )
    return str(request.url_for("report_page").include_query_params(t=token))


def _claims(request: Request, token: str | None) -> dict[str, Any] | None:
    if not token:
        return None
    try:
        claims: dict[str, Any] = _serializer(request).loads(token, max_age=PAGE_LINK_SECONDS)
    except (SignatureExpired, BadSignature):
        return None
    return claims


def _page(request: Request, status: int = 200, **context: Any) -> Response:
    base = {"categories": CATEGORIES, "max_details": MAX_DETAILS, "error": None, "receipt": None}
    return templates.TemplateResponse(
        request, "report.html", {**base, **context}, status_code=status
    )


_EXPIRED = (
    "This report link has expired. Go back to the app and tap Report again. "
    "If you are in danger right now, call 999 (UK) or 911 (US)."
)


@router.get("/report", name="report_page")
def report_page(
    request: Request, t: Annotated[str | None, Query(max_length=2000)] = None
) -> Response:
    if _claims(request, t) is None:
        return _page(request, status=403, token=None, error=_EXPIRED)
    return _page(request, token=t)


@router.post("/report")
def send_report(
    request: Request,
    t: Annotated[str, Form(max_length=2000)] = "",
    category: Annotated[str, Form(max_length=32)] = "",
    details: Annotated[str, Form(max_length=MAX_DETAILS * 2)] = "",
) -> Response:
    claims = _claims(request, t)
    if claims is None:
        return _page(request, status=403, token=None, error=_EXPIRED)
    if not category:
        return _page(request, status=400, token=t, error="Please choose what happened.")
    try:
        with database_of(request).session() as session:
            report = submit_report(
                session,
                reporter_account_id=claims["reporter"],
                reported_account_id=claims["reported"],
                category=category,
                surface="chat" if claims.get("conversation") else "profile",
                conversation_id=claims.get("conversation"),
                details=details,
                submitted_by=f"api:{claims['key']}",
                api_key_id=claims["key"],
            )
    except ReportRejected as rejected:
        return _page(request, status=rejected.status, token=t, error=rejected.message)
    return _page(
        request,
        status=201,
        token=None,
        receipt={"reference": report.reference, "next": WHAT_HAPPENS_NEXT},
    )
