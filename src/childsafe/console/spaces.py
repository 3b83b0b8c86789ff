"""Spaces by age rating and risk (moderators): the list, one space's rating with its reasons,
members, invite signals and history, and a moderator's override (audited under their name, in
the override's own transaction; CSRF like every console form)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response

from childsafe.cases.queries import actor_names
from childsafe.console.auditing import Seen, records_view
from childsafe.console.params import Actor, CsrfField, QueueViewer
from childsafe.console.web import (
    PREFIX,
    ConsolePageError,
    ConsoleRoute,
    database_of,
    render,
    see_other,
    submit_form,
)
from childsafe.runtime import settings
from childsafe.screening.invites import invite_findings
from childsafe.spaces.listing import space_detail, spaces_by_risk
from childsafe.spaces.ratings import Rating
from childsafe.spaces.registry import SpaceNotFound, override_rating

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)

# "" clears the override.
RatingField = Annotated[str, Form(pattern="^(|" + "|".join(r.value for r in Rating) + ")$")]
ReasonField = Annotated[str, Form(min_length=3, max_length=2000)]


@contextmanager
def _space_found(space_id: str) -> Iterator[None]:
    """An unknown space (a stale link, a typed address) is the page that says so."""
    try:
        yield
    except SpaceNotFound as missing:
        raise ConsolePageError(404, f"There is no space {space_id!r}.") from missing


@router.get("/spaces")
@records_view(lambda **_: Seen("spaces.viewed", "space", "all"))
def spaces_page(request: Request, viewer: QueueViewer) -> Response:
    with database_of(request).session() as session:
        spaces = spaces_by_risk(session)
    return render(request, "spaces.html", viewer, spaces=spaces)


@router.get("/spaces/{space_id}")
@records_view(lambda space_id, **_: Seen("space.viewed", "space", space_id))
def space_page(request: Request, viewer: QueueViewer, space_id: str) -> Response:
    with _space_found(space_id), database_of(request).session() as session:
        shown = space_detail(session, space_id)
        findings = invite_findings(session, settings.policy(request.app.state), space_id)
        actors = actor_names(session, {h.actor for h in shown.history if h.actor})
        return render(
            request,
            "space.html",
            viewer,
            shown=shown,
            findings=findings,
            actors=actors,
            ratings=[r.value for r in Rating],
            done=request.query_params.get("done"),
        )


@router.post("/spaces/{space_id}/override")
def override(
    request: Request,
    viewer: Actor,
    space_id: str,
    reason: ReasonField,
    rating: RatingField = "",
    csrf_token: CsrfField = None,
) -> Response:
    chosen = Rating(rating) if rating else None
    with _space_found(space_id):
        submit_form(
            request,
            viewer,
            csrf_token,
            lambda s, _user: override_rating(s, space_id, chosen, reason, viewer.actor),
        )
    done = f"rating set to {rating}" if rating else "override cleared"
    return see_other(f"{PREFIX}/spaces/{quote(space_id, safe='')}?done={quote(done)}")
