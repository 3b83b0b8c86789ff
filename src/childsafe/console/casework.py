"""Casework: the prioritised queue, a case page, the decisions taken on it (actions, closing,
referrals and their second-specialist approval) and the case's images, blurred or revealed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from sqlalchemy.orm import Session

from childsafe.cases import queries
from childsafe.cases.actions import (
    ACTION_WORDS,
    ACTIONS,
    ActionRefused,
    close_case,
    decide_referral,
    request_referral,
    take_action,
)
from childsafe.cases.reports import CATEGORY_BY_KEY
from childsafe.console.auditing import Seen, records_view
from childsafe.console.blurred_preview import NoPreview, blurred_preview
from childsafe.console.params import Actor, Approver, CaseViewer, CsrfField, QueueViewer, Referrer
from childsafe.console.web import (
    PREFIX,
    ConsolePageError,
    ConsoleRoute,
    check_csrf,
    database_of,
    render,
    see_other,
    sla_words,
)
from childsafe.model.clock import utcnow

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)

QueueStatus = Annotated[str, Query(pattern="^(" + "|".join(queries.QUEUE_STATUSES) + ")$")]
Reason = Annotated[str, Form(max_length=4000)]


@router.get("/")
@records_view(lambda status, page, **_: Seen("queue.viewed", "queue", status, {"page": page}))
def queue(
    request: Request,
    viewer: QueueViewer,
    status: QueueStatus = "open",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    now = utcnow()
    with database_of(request).session() as session:
        shown = queries.queue_page(session, status, page, now)
    return render(
        request,
        "queue.html",
        viewer,
        cases=[(case, *sla_words(case.sla_due_at, now)) for case in shown.cases],
        counts=shown.counts,
        total=shown.total,
        overdue=shown.overdue,
        status=status,
        page=page,
        pages=shown.pages,
    )


@router.get("/cases/{case_id}")
@records_view(lambda case_id, **_: Seen("case.viewed", "case", case_id))
def case_page(request: Request, case_id: str, viewer: CaseViewer) -> Response:
    now = utcnow()
    with database_of(request).session() as session:
        shown = queries.case_page(session, case_id)
    if shown is None:
        raise ConsolePageError(404, f"There is no case {case_id}.")
    sla_text, overdue = sla_words(shown.contents.case.sla_due_at, now)
    return render(
        request,
        "case.html",
        viewer,
        contents=shown.contents,
        accounts=shown.accounts,
        actions=shown.actions,
        referrals=shown.referrals,
        bundles=shown.bundles,
        trail=shown.trail,
        media_ids=shown.media_ids,
        sla_text=sla_text,
        overdue=overdue,
        action_kinds=ACTIONS,
        action_words=ACTION_WORDS,
        categories=CATEGORY_BY_KEY,
        message=request.query_params.get("done"),
    )


def _decide(request: Request, work: Callable[[Session], tuple[str, str]]) -> Response:
    """Run a decision in one transaction, then show its case: `work` returns (case id, outcome).
    The decision records itself in the audit log, in that transaction (cases/actions.py)."""
    try:
        with database_of(request).session() as session:
            case_id, outcome = work(session)
    except ActionRefused as refusal:
        raise ConsolePageError(refusal.status, refusal.message) from refusal
    return see_other(f"{PREFIX}/cases/{case_id}?done={outcome}")


@router.post("/cases/{case_id}/actions")
def act_on_case(
    request: Request,
    case_id: str,
    viewer: Actor,
    kind: Annotated[str, Form(max_length=16)] = "",
    reason: Reason = "",
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(viewer, csrf_token)
    return _decide(
        request,
        lambda session: (case_id, take_action(session, case_id, kind, viewer.user, reason).kind),
    )


@router.post("/cases/{case_id}/close")
def close(
    request: Request, case_id: str, viewer: Actor, reason: Reason = "", csrf_token: CsrfField = None
) -> Response:
    check_csrf(viewer, csrf_token)

    def work(session: Session) -> tuple[str, str]:
        close_case(session, case_id, viewer.user, reason)
        return case_id, "closed"

    return _decide(request, work)


@router.post("/cases/{case_id}/referrals")
def refer(
    request: Request,
    case_id: str,
    viewer: Referrer,
    reason: Reason = "",
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(viewer, csrf_token)

    def work(session: Session) -> tuple[str, str]:
        request_referral(session, case_id, viewer.user, reason)
        return case_id, "referral-requested"

    return _decide(request, work)


@router.post("/referrals/{referral_id}/decision")
def decide(
    request: Request,
    referral_id: str,
    viewer: Approver,
    decision: Annotated[str, Form(pattern="^(approve|reject)$")] = "approve",
    reason: Reason = "",
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(viewer, csrf_token)

    def work(session: Session) -> tuple[str, str]:
        referral = decide_referral(session, referral_id, viewer.user, decision == "approve", reason)
        return referral.case_id, f"referral-{referral.status}"

    return _decide(request, work)


def case_image(
    request: Request,
    # Images are named in the query string, never in the path: a stored id such as ".." would
    # otherwise be resolved by the browser into another console URL.
    media_id: Annotated[str, Query(alias="id", min_length=1, max_length=128)],
) -> queries.CaseImage:
    """An image that belongs to a case (404 page otherwise)."""
    with database_of(request).session() as session:
        image = queries.case_image(session, media_id)
    if image is None:
        raise ConsolePageError(404, "There is no such image in any case.")
    return image


CaseImage = Annotated[queries.CaseImage, Depends(case_image)]


@router.get("/media/blurred")
def media_blurred(viewer: CaseViewer, image: CaseImage) -> Response:
    """The case page's blurred preview: nothing can be made out, so it is not a view."""
    try:
        preview = blurred_preview(image.content)
    except NoPreview as error:
        raise ConsolePageError(422, "This image cannot be previewed.") from error
    return Response(preview, media_type="image/jpeg")


@router.get("/media/original")
@records_view(
    lambda image, **_: Seen("media.viewed", "case", image.case_id, {"media_id": image.media_id})
)
def media_original(request: Request, viewer: CaseViewer, image: CaseImage) -> Response:
    """The image itself, fetched by the click that un-blurs it: recorded as viewed."""
    return Response(image.content, media_type=image.content_type)
