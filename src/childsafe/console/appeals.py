"""The appeals queue (oldest first) and an appeal's page: the original decision, its reasons
and who took it, the user's words, and the form to decide it (upheld, reversed or modified,
with a reason). Someone who took the original decision cannot decide its appeal
(cases/appeals.py refuses it; the page says so first)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy import select

from childsafe.cases import appeals
from childsafe.cases.actions import ACTION_WORDS
from childsafe.console.auditing import Seen, records_view
from childsafe.console.params import Actor, CaseViewer, CsrfField
from childsafe.console.web import (
    PREFIX,
    ConsolePageError,
    ConsoleRoute,
    database_of,
    render,
    see_other,
    submit_form,
)
from childsafe.store.tables.cases import Appeal

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)


@router.get("/appeals")
@records_view(lambda **_: Seen("appeals.viewed", "queue", "appeals"))
def appeals_queue(request: Request, viewer: CaseViewer) -> Response:
    with database_of(request).session() as session:
        waiting = appeals.pending(session)
    return render(
        request,
        "appeals.html",
        viewer,
        appeals=waiting,
        action_words=ACTION_WORDS,
        message=request.query_params.get("done"),
    )


@router.get("/appeals/{appeal_id}")
@records_view(lambda appeal_id, **_: Seen("appeal.viewed", "appeal", appeal_id))
def appeal_page(request: Request, appeal_id: str, viewer: CaseViewer) -> Response:
    with database_of(request).session() as session:
        appeal = session.scalar(select(Appeal).where(Appeal.id == appeal_id))
        if appeal is None:
            raise ConsolePageError(404, f"There is no appeal {appeal_id}.")
        original = appeals.original_decision(session, appeal)
        decided_by = appeals.decider_name(session, appeal.decided_by) if appeal.decided_by else None
    return render(
        request,
        "appeal.html",
        viewer,
        appeal=appeal,
        original=original,
        decided_by=decided_by,
        own_decision=appeal.original_decider == viewer.actor,
        outcomes=appeals.OUTCOMES,
        new_decisions=[k for k in appeals.APPEALABLE if k != appeal.ground],
        action_words=ACTION_WORDS,
        status_words=appeals.STATUS_WORDS,
    )


@router.post("/appeals/{appeal_id}/decision")
def decide(
    request: Request,
    appeal_id: str,
    viewer: Actor,
    outcome: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    new_decision: Annotated[str, Form(max_length=16)] = "",
    csrf_token: CsrfField = None,
) -> Response:
    submit_form(
        request,
        viewer,
        csrf_token,
        lambda s, user: appeals.decide_appeal(
            s, appeal_id, outcome, user, reason, new_decision or None
        ),
    )
    return see_other(f"{PREFIX}/appeals?done=appeal-{outcome}")
