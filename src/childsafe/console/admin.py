"""Oversight pages: the audit log (and checking its chain), the transparency figures, and the
console's users (create, deactivate, reactivate, sign out everywhere, unlock, reset password)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cases import audit_search, queries, users
from childsafe.cases.audit_search import AuditFilter
from childsafe.cases.roles import Role
from childsafe.cases.users import UserError, create_user
from childsafe.console.auditing import Seen, records_view
from childsafe.console.params import AuditViewer, CsrfField, FiguresViewer, ShownPeriod, UserAdmin
from childsafe.console.web import (
    PREFIX,
    ConsolePageError,
    ConsoleRoute,
    Viewer,
    check_csrf,
    database_of,
    render,
    see_other,
)
from childsafe.transparency import charts, report
from childsafe.transparency.figures import compute_figures

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)


AuditText = Annotated[str, Query(max_length=128)]


def _day(text: str) -> date | None:
    """A date from a form's date field (empty when not chosen)."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as error:
        raise ConsolePageError(400, f"'{text}' is not a date (YYYY-MM-DD).") from error


@router.get("/audit")
@records_view(
    lambda verify, **_: Seen("audit.verified" if verify else "audit.viewed", "audit", "log")
)
def audit_page(
    request: Request,
    viewer: AuditViewer,
    actor: AuditText = "",
    action: AuditText = "",
    case: AuditText = "",
    start: Annotated[str, Query(alias="from", max_length=32)] = "",
    end: Annotated[str, Query(alias="to", max_length=32)] = "",
    before: Annotated[int | None, Query(ge=1)] = None,
    verify: bool = False,
) -> Response:
    chosen = AuditFilter(
        actor.strip(), action.strip(), case.strip(), _day(start), _day(end), before
    )
    # Verifying walks the whole chain, so it runs when asked for, in a transaction that
    # appends nothing (appending takes the chain's lock; a long walk must not hold it).
    with database_of(request).session() as session:
        shown = audit_search.audit_page(session, chosen)
        check = audit.verify_chain(session) if verify else None
    filters = {
        "actor": chosen.actor,
        "action": chosen.action,
        "case": chosen.case_id,
        "from": start,
        "to": end,
    }
    kept = {name: value for name, value in filters.items() if value}
    older = urlencode({**kept, "before": shown.older}) if shown.older else None
    return render(
        request,
        "audit.html",
        viewer,
        entries=shown.entries,
        names=shown.names,
        filters=filters,
        older=older,
        check=check,
    )


@router.get("/transparency")
@records_view(lambda period, **_: Seen("transparency.viewed", "report", str(period)))
def transparency_page(request: Request, viewer: FiguresViewer, period: ShownPeriod) -> Response:
    with database_of(request).session() as session:
        figures = compute_figures(session, period.start, period.end)
    return render(
        request,
        "transparency.html",
        viewer,
        figures=figures,
        headlines=report.headline_values(figures),
        charts=charts.figure_charts(figures),
    )


def _users_page(
    request: Request, viewer: Viewer, status_code: int = 200, error: str | None = None
) -> Response:
    with database_of(request).session() as session:
        all_users = queries.console_users(session)
    return render(
        request,
        "users.html",
        viewer,
        status_code=status_code,
        users=all_users,
        roles=list(Role),
        error=error,
        done=request.query_params.get("done"),
    )


@router.get("/users")
def users_page(request: Request, viewer: UserAdmin) -> Response:
    return _users_page(request, viewer)


@router.post("/users")
def add_user(
    request: Request,
    viewer: UserAdmin,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    role: Annotated[str, Form(max_length=32)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(viewer, csrf_token)
    try:
        with database_of(request).session() as session:
            user = create_user(
                session,
                username=username,
                password=password,
                role=role,
                display_name=display_name or None,
                created_by=viewer.actor,
            )
    except UserError as error:
        return _users_page(request, viewer, 400, str(error))
    return see_other(f"{PREFIX}/users?{urlencode({'done': f'created {user.username}'})}")


# What an admin can do to an existing user: (users.py function, what the page says after).
USER_ACTIONS: dict[str, tuple[Callable[[Session, str, str, str], object], str]] = {
    "deactivate": (
        lambda s, name, _pw, by: users.set_active(s, name, active=False, by=by),
        "deactivated and signed out",
    ),
    "reactivate": (
        lambda s, name, _pw, by: users.set_active(s, name, active=True, by=by),
        "reactivated",
    ),
    "revoke-sessions": (
        lambda s, name, _pw, by: users.revoke_sessions(s, name, by=by),
        "signed out everywhere",
    ),
    "unlock": (lambda s, name, _pw, by: users.unlock(s, name, by=by), "sign-in delay cleared"),
    "reset-password": (
        lambda s, name, pw, by: users.reset_password(s, name, pw, by=by),
        "given a new password and signed out",
    ),
}


@router.post("/users/manage")
def manage_user(
    request: Request,
    viewer: UserAdmin,
    username: Annotated[str, Form(max_length=64)] = "",
    action: Annotated[str, Form(pattern="^(" + "|".join(USER_ACTIONS) + ")$")] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(viewer, csrf_token)
    work, outcome = USER_ACTIONS[action]
    try:
        with database_of(request).session() as session:
            work(session, username, password, viewer.actor)
    except UserError as error:
        return _users_page(request, viewer, 400, str(error))
    done = f"{username.strip().lower()} {outcome}"
    return see_other(f"{PREFIX}/users?{urlencode({'done': done})}")
