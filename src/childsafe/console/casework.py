"""Casework: the prioritised queue, a case page, the decisions taken on it (actions, closing,
referrals and their second-specialist approval) and the case's images, blurred or revealed."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Form, Query, Request, Response

from childsafe.cases import assignment, queries, queue_filters, saved_views
from childsafe.cases.actions import (
    ACTION_WORDS,
    ACTIONS,
    close_case,
    decide_referral,
    request_referral,
    take_action,
)
from childsafe.cases.reports import CATEGORY_BY_KEY
from childsafe.cases.roles import Permission, allowed
from childsafe.console.auditing import Seen, records_view
from childsafe.console.blurred_preview import NoPreview, blurred_preview
from childsafe.console.params import Actor, Approver, CaseViewer, CsrfField, QueueViewer, Referrer
from childsafe.console.triage import case_url, queue_filter, queue_url
from childsafe.console.web import (
    PREFIX,
    ConsolePageError,
    ConsoleRoute,
    database_of,
    render,
    see_other,
    sla_words,
    submit_form,
)
from childsafe.model.clock import utcnow

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)

Reason = Annotated[str, Form(max_length=4000)]


@router.get("/")
@records_view(lambda request, **_: Seen("queue.viewed", "queue", "cases", _shown_filter(request)))
def queue(request: Request, viewer: QueueViewer) -> Response:
    chosen = queue_filter(str(request.query_params))
    now = utcnow()
    with database_of(request).session() as session:
        shown = queue_filters.queue_page(session, chosen, viewer.user.id, now)
        views = saved_views.views_of(session, viewer.user.id)
        colleagues = assignment.assignable_users(session)
    names = {user.id: user.display_name for user in colleagues}
    return render(
        request,
        "queue.html",
        viewer,
        cases=[(case, *sla_words(case.sla_due_at, now)) for case in shown.cases],
        shown=shown,
        chosen=chosen,
        view=chosen.query_string(),
        views=views,
        colleagues=colleagues,
        names=names,
        options=queue_filters,
        message=request.query_params.get("done"),
    )


def _shown_filter(request: Request) -> dict[str, str]:
    """The audit entry of a queue view names its filter (a search is what was looked for)."""
    return dict(parse_qsl(queue_filter(str(request.query_params)).query_string()))


@router.get("/cases/{case_id}")
@records_view(lambda case_id, **_: Seen("case.viewed", "case", case_id))
def case_page(
    request: Request,
    case_id: str,
    viewer: CaseViewer,
    view: Annotated[str, Query(max_length=2000)] = "",
) -> Response:
    now = utcnow()
    view = queue_filter(view).query_string() if view else ""
    with database_of(request).session() as session:
        shown = queries.case_page(session, case_id)
        colleagues = assignment.assignable_users(session)
    if shown is None:
        raise ConsolePageError(404, f"There is no case {case_id}.")
    sla_text, overdue = sla_words(shown.contents.case.sla_due_at, now)
    return render(
        request,
        "case.html",
        viewer,
        shown=shown,
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
        colleagues=colleagues,
        specialists=[user for user in colleagues if allowed(user.role, Permission.REFER)],
        view=view,
        message=request.query_params.get("done"),
    )


@router.post("/cases/{case_id}/actions")
def act_on_case(
    request: Request,
    case_id: str,
    viewer: Actor,
    kind: Annotated[str, Form(max_length=16)] = "",
    reason: Reason = "",
    then: Annotated[str, Form(pattern="^(stay|next)$")] = "stay",
    view: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: CsrfField = None,
) -> Response:
    """Record a decision; with then=next, open the next case of the queue view it came from."""
    recorded = submit_form(
        request, viewer, csrf_token, lambda s, user: take_action(s, case_id, kind, user, reason)
    )
    if then != "next":
        return see_other(case_url(case_id, view, recorded.kind))
    chosen = queue_filter(view)
    with database_of(request).session() as session:
        following = queue_filters.next_case(session, chosen, viewer.user.id, utcnow(), case_id)
    if following is None:
        return see_other(queue_url(view, done=f"{kind}-recorded-queue-empty"))
    return see_other(case_url(following, view, f"{kind}-recorded-on-{case_id}"))


@router.post("/cases/{case_id}/close")
def close(
    request: Request, case_id: str, viewer: Actor, reason: Reason = "", csrf_token: CsrfField = None
) -> Response:
    submit_form(request, viewer, csrf_token, lambda s, user: close_case(s, case_id, user, reason))
    return see_other(case_url(case_id, "", "closed"))


@router.post("/cases/{case_id}/referrals")
def refer(
    request: Request,
    case_id: str,
    viewer: Referrer,
    reason: Reason = "",
    csrf_token: CsrfField = None,
) -> Response:
    submit_form(
        request, viewer, csrf_token, lambda s, user: request_referral(s, case_id, user, reason)
    )
    return see_other(case_url(case_id, "", "referral-requested"))


@router.post("/referrals/{referral_id}/decision")
def decide(
    request: Request,
    referral_id: str,
    viewer: Approver,
    decision: Annotated[str, Form(pattern="^(approve|reject)$")] = "approve",
    reason: Reason = "",
    csrf_token: CsrfField = None,
) -> Response:
    referral = submit_form(
        request,
        viewer,
        csrf_token,
        lambda s, user: decide_referral(s, referral_id, user, decision == "approve", reason),
    )
    return see_other(case_url(referral.case_id, "", f"referral-{referral.status}"))


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
