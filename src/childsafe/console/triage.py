"""Triage: who works a case (claim, assign, give back, escalate to a specialist), internal
notes, bulk actions on the queue's selected cases, and saved queue views.

Every form names the queue view it came from (`view`, the queue's query string): the answer
returns there, or to the case page it was sent from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, NamedTuple
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, Request, Response

from childsafe.cases import assignment, notes, queue_filters, saved_views
from childsafe.cases.actions import ActionRefused, close_case, take_action
from childsafe.cases.queue_filters import BadFilter, QueueFilter
from childsafe.console.params import Actor, CsrfField, QueueViewer
from childsafe.console.web import (
    PREFIX,
    ConsolePageError,
    ConsoleRoute,
    Viewer,
    check_csrf,
    database_of,
    render,
    see_other,
    submit_form,
)

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)

Reason = Annotated[str, Form(max_length=4000)]
View = Annotated[str, Form(max_length=2000)]
UserId = Annotated[str, Form(max_length=128)]
MAX_BULK = 200
BULK_ACTIONS = {
    "dismiss": "dismissed as duplicates",
    "assign": "assigned",
    "close": "closed",
}


def queue_filter(view: str) -> QueueFilter:
    """The queue view a form came from (its query string), or a 400 page."""
    try:
        return queue_filters.parse(dict(parse_qsl(view)))
    except BadFilter as error:
        raise ConsolePageError(400, str(error)) from error


def queue_url(view: str, **shown: str) -> str:
    query = queue_filter(view).query_string()
    extra = urlencode(shown)
    return f"{PREFIX}/?" + "&".join(part for part in (query, extra) if part)


def case_url(case_id: str, view: str, done: str) -> str:
    query = {"done": done} | ({"view": queue_filter(view).query_string()} if view else {})
    return f"{PREFIX}/cases/{case_id}?{urlencode(query)}"


def _answer(case_id: str, view: str, back: str, done: str) -> Response:
    """Back to the queue the form was sent from, or to the case page."""
    if back == "queue":
        return see_other(queue_url(view, done=done))
    return see_other(case_url(case_id, view, done))


Back = Annotated[str, Form(pattern="^(queue|case)$")]


@router.post("/cases/{case_id}/claim")
def claim(
    request: Request,
    case_id: str,
    viewer: Actor,
    view: View = "",
    back: Back = "case",
    csrf_token: CsrfField = None,
) -> Response:
    submit_form(request, viewer, csrf_token, lambda s, user: assignment.claim(s, case_id, user))
    return _answer(case_id, view, back, "assigned-to-you")


@router.post("/cases/{case_id}/assign")
def assign(
    request: Request,
    case_id: str,
    viewer: Actor,
    assignee: UserId = "",
    reason: Reason = "",
    view: View = "",
    csrf_token: CsrfField = None,
) -> Response:
    submit_form(
        request,
        viewer,
        csrf_token,
        lambda s, user: assignment.assign(s, case_id, assignee, user, reason),
    )
    return _answer(case_id, view, "case", "assigned")


@router.post("/cases/{case_id}/unassign")
def unassign(
    request: Request,
    case_id: str,
    viewer: Actor,
    reason: Reason = "",
    view: View = "",
    csrf_token: CsrfField = None,
) -> Response:
    submit_form(
        request, viewer, csrf_token, lambda s, user: assignment.unassign(s, case_id, user, reason)
    )
    return _answer(case_id, view, "case", "unassigned")


@router.post("/cases/{case_id}/escalate")
def escalate(
    request: Request,
    case_id: str,
    viewer: Actor,
    specialist: UserId = "",
    reason: Reason = "",
    view: View = "",
    csrf_token: CsrfField = None,
) -> Response:
    submit_form(
        request,
        viewer,
        csrf_token,
        lambda s, user: assignment.escalate(s, case_id, specialist, user, reason),
    )
    return _answer(case_id, view, "case", "escalated")


@router.post("/cases/{case_id}/notes")
def add_note(
    request: Request,
    case_id: str,
    viewer: Actor,
    note: Reason = "",
    view: View = "",
    csrf_token: CsrfField = None,
) -> Response:
    submit_form(request, viewer, csrf_token, lambda s, user: notes.add_note(s, case_id, user, note))
    return _answer(case_id, view, "case", "note-added")


class BulkOutcome(NamedTuple):
    case_id: str
    refused: str | None  # why, when this case was refused


def _bulk_work(action: str, viewer: Viewer, assignee: str, reason: str) -> Callable[..., object]:
    if action == "dismiss":
        return lambda s, case_id: take_action(
            s, case_id, "dismiss", viewer.user, f"Duplicate: {reason.strip()}"
        )
    if action == "assign":
        return lambda s, case_id: assignment.assign(s, case_id, assignee, viewer.user, reason)
    return lambda s, case_id: close_case(s, case_id, viewer.user, reason)


@router.post("/bulk")
def bulk(
    request: Request,
    viewer: Actor,
    case_ids: Annotated[list[str], Form(alias="case")],
    action: Annotated[str, Form(pattern="^(" + "|".join(BULK_ACTIONS) + ")$")],
    assignee: UserId = "",
    reason: Reason = "",
    view: View = "",
    csrf_token: CsrfField = None,
) -> Response:
    """One action with one reason on each selected case, each in its own transaction (and
    with its own audit entry): a case that refuses (a referral pending, already closed) is
    listed with why, and the others are done."""
    check_csrf(viewer, csrf_token)
    chosen = list(dict.fromkeys(case_id[:128] for case_id in case_ids))
    if not reason.strip():
        raise ConsolePageError(400, "Give one reason for the bulk action: each case records it.")
    if len(chosen) > MAX_BULK:
        raise ConsolePageError(400, f"Select at most {MAX_BULK} cases at a time.")
    work = _bulk_work(action, viewer, assignee, reason)
    outcomes = []
    for case_id in chosen:
        try:
            with database_of(request).session() as session:
                work(session, case_id)
            outcomes.append(BulkOutcome(case_id, None))
        except ActionRefused as refusal:
            outcomes.append(BulkOutcome(case_id, refusal.message))
    return render(
        request,
        "bulk.html",
        viewer,
        outcomes=outcomes,
        done=sum(outcome.refused is None for outcome in outcomes),
        words=BULK_ACTIONS[action],
        back=queue_url(view),
    )


@router.post("/views")
def save_view(
    request: Request,
    viewer: QueueViewer,
    name: Annotated[str, Form(max_length=200)] = "",
    view: View = "",
    csrf_token: CsrfField = None,
) -> Response:
    chosen = queue_filter(view)
    submit_form(
        request, viewer, csrf_token, lambda s, user: saved_views.save_view(s, user.id, name, chosen)
    )
    return see_other(queue_url(view, done="view-saved"))


@router.post("/views/{view_id}/delete")
def delete_view(
    request: Request, view_id: str, viewer: QueueViewer, csrf_token: CsrfField = None
) -> Response:
    submit_form(
        request, viewer, csrf_token, lambda s, user: saved_views.delete_view(s, user.id, view_id)
    )
    return see_other(queue_url("", done="view-deleted"))
