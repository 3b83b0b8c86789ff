"""Held messages in the console: the page of holds waiting for review (oldest first, with their
age), the case page's partial with each held message's release/confirm form, and the count in
the queue's header. The partial and the count read through Jinja globals, so the casework
routes pass nothing for them."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response

from childsafe.cases import held_messages
from childsafe.console.auditing import Seen, records_view
from childsafe.console.params import Actor, CaseViewer, CsrfField
from childsafe.console.web import (
    PREFIX,
    ConsoleRoute,
    database_of,
    human_delta,
    render,
    see_other,
    submit_form,
    templates,
)
from childsafe.model.clock import as_utc, utcnow

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)


def held_of_case(request: Request, case_id: str) -> list[held_messages.HeldMessage]:
    with database_of(request).session() as session:
        return held_messages.of_case(session, case_id)


def unreviewed_held_count(request: Request) -> int:
    with database_of(request).session() as session:
        return held_messages.unreviewed_count(session)


templates.env.globals["held_of_case"] = held_of_case
templates.env.globals["unreviewed_held_count"] = unreviewed_held_count
templates.env.globals["held_decision_words"] = held_messages.DECISION_WORDS
templates.env.filters["age"] = lambda value: human_delta(utcnow() - as_utc(value))


@router.get("/held-messages")
@records_view(lambda **_: Seen("held_messages.viewed", "queue", "held-messages"))
def held_page(request: Request, viewer: CaseViewer) -> Response:
    with database_of(request).session() as session:
        waiting = held_messages.unreviewed(session)
        total = held_messages.unreviewed_count(session)
    return render(request, "held_messages.html", viewer, held=waiting, total=total)


@router.post("/held-messages/{message_id}/review")
def review(
    request: Request,
    message_id: str,
    viewer: Actor,
    decision: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    case_id: Annotated[str, Form(max_length=128)] = "",
    csrf_token: CsrfField = None,
) -> Response:
    done = submit_form(
        request,
        viewer,
        csrf_token,
        lambda s, user: held_messages.review(s, message_id, decision, user, reason),
    )
    back = f"{PREFIX}/cases/{quote(case_id, safe='')}" if case_id else f"{PREFIX}/held-messages"
    return see_other(f"{back}?done=message-{done.decision}")
