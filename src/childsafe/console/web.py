"""Console plumbing: templates, signed-in sessions, CSRF, role checks and HTML error pages.

Sessions: the cookie holds a random token; we store only its SHA-256 with the user, a CSRF
token and an expiry. Every state-changing form carries the session's CSRF token (the login form
uses a double-submit cookie, since there is no session yet). Cookies are HttpOnly and
SameSite=Strict, and Secure when the request came over HTTPS. Each request looks its session
row up, so deleting the rows (sign-out, revocation, deactivation) ends a session at once.

Every console response carries the security headers below: no inline script or style may run
(the templates use console/static/), no other site may frame the console, no URL leaks in a
Referer, and nothing a moderator saw is kept in a browser or proxy cache.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cases.actions import ActionRefused
from childsafe.cases.roles import ROLE_TITLES, Permission, Role, allowed
from childsafe.console.helplines import helplines
from childsafe.model.clock import as_utc, utcnow
from childsafe.store.db import Database
from childsafe.store.tables.cases import ConsoleSession, ConsoleUser
from childsafe.transparency.report import TEMPLATES_DIR as TRANSPARENCY_TEMPLATES

SESSION_COOKIE = "childsafe_console"
LOGIN_CSRF_COOKIE = "childsafe_login_csrf"
SESSION_LIFETIME = timedelta(hours=8)
PREFIX = "/console"

templates = Jinja2Templates(
    directory=[str(Path(__file__).with_name("templates")), str(TRANSPARENCY_TEMPLATES)]
)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def human_delta(delta: timedelta) -> str:
    seconds = abs(delta.total_seconds())
    if seconds < 3600:
        return f"{max(int(seconds // 60), 1)} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"


def sla_words(due: datetime, now: datetime) -> tuple[str, bool]:
    """("due in 42 min", False) or ("overdue by 3.0 h", True)."""
    remaining = as_utc(due) - now
    if remaining.total_seconds() >= 0:
        return f"due in {human_delta(remaining)}", False
    return f"overdue by {human_delta(remaining)}", True


# A request-provided id put into a URL: every reserved character encoded, so an id such as
# "../transparency/report.pdf?from=..." stays one harmless path segment or query value.
templates.env.filters["urlpart"] = lambda value: quote(str(value), safe="")
templates.env.globals["role_titles"] = {role.value: title for role, title in ROLE_TITLES.items()}
templates.env.filters["when"] = lambda value: as_utc(value).strftime("%d %b %Y %H:%M UTC")
templates.env.filters["iso"] = lambda value: as_utc(value).isoformat()


def page_refusal(status: int, title: str, words: str, path: str) -> Response:
    """A request refused at the edge (rate limit, unreadable body), answered as a page for
    people: the child's report page must never show raw JSON."""
    page = templates.get_template("refused.html")
    return HTMLResponse(
        page.render(
            title=title,
            words=words,
            report_page=path.startswith("/report"),
            helplines=helplines(""),
        ),
        status_code=status,
    )


@dataclass(frozen=True, slots=True)
class Viewer:
    user: ConsoleUser
    csrf_token: str

    @property
    def actor(self) -> str:
        return f"user:{self.user.id}"

    def can(self, permission: Permission | str) -> bool:
        return allowed(self.user.role, Permission(permission))


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# For stand-alone HTML documents served as downloads (the transparency report, the NCA
# package): their own inline style at most, never a script.
DOCUMENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def with_security_headers(response: Response) -> Response:
    """Adds the console's headers; a response that set its own CSP or caching keeps it."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class ConsolePageError(Exception):
    """Rendered as an HTML page (the API's errors are JSON; the console's are for people)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ConsoleRoute(APIRoute):
    """Turns console errors into HTML pages, sends signed-out people to the login page and
    puts the security headers on every response."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def secured(request: Request) -> Response:
            return with_security_headers(await render_errors(request))

        async def render_errors(request: Request) -> Response:
            try:
                return await handler(request)
            except ConsolePageError as error:
                if error.status == 401:
                    return Response(status_code=303, headers={"Location": f"{PREFIX}/login"})
                return templates.TemplateResponse(
                    request,
                    "error.html",
                    {"status": error.status, "message": error.message, "viewer": None},
                    status_code=error.status,
                )
            except RequestValidationError as error:
                fields = "; ".join(
                    f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'form'}: {e.get('msg')}"
                    for e in error.errors()[:5]
                )
                return templates.TemplateResponse(
                    request,
                    "error.html",
                    {"status": 400, "message": f"Please check the form: {fields}", "viewer": None},
                    status_code=400,
                )
            except HTTPException as error:
                return templates.TemplateResponse(
                    request,
                    "error.html",
                    {"status": error.status_code, "message": error.detail, "viewer": None},
                    status_code=error.status_code,
                )

        return secured


def database_of(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def start_session(session: Session, user: ConsoleUser) -> tuple[str, str]:
    """A new signed-in session: (cookie token, CSRF token)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    now = utcnow()
    session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < now))
    session.add(
        ConsoleSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return token, csrf


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(
            delete(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token))
        )


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def current_viewer(request: Request) -> Viewer:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise ConsolePageError(401, "please sign in")
    with database_of(request).session() as session:
        row = session.execute(
            select(ConsoleSession, ConsoleUser)
            .join(ConsoleUser, ConsoleUser.id == ConsoleSession.user_id)
            .where(ConsoleSession.token_hash == _token_hash(token))
        ).first()
    if row is None:
        raise ConsolePageError(401, "please sign in")
    console_session, user = row
    if as_utc(console_session.expires_at) < utcnow() or not user.active:
        raise ConsolePageError(401, "your session ended; please sign in again")
    return Viewer(user, console_session.csrf_token)


ViewerDep = Annotated[Viewer, Depends(current_viewer)]


def requires(permission: Permission) -> Callable[[Request, Viewer], Viewer]:
    """A dependency: the signed-in viewer, or a 403 page (and an audit entry) for others."""

    def check(request: Request, viewer: ViewerDep) -> Viewer:
        if not viewer.can(permission):
            with database_of(request).session() as session:
                audit.record(
                    session,
                    actor=viewer.actor,
                    action="access.denied",
                    target_type="route",
                    target_id=request.url.path[:128],
                    details={"permission": permission.value, "role": viewer.user.role},
                )
            title = ROLE_TITLES.get(Role(viewer.user.role), viewer.user.role)
            raise ConsolePageError(403, f"Your role ({title}) does not give access to this page.")
        return viewer

    return check


def check_csrf(viewer: Viewer, submitted: str | None) -> None:
    if not submitted or not hmac.compare_digest(submitted, viewer.csrf_token):
        raise ConsolePageError(
            403,
            "This form expired or did not come from the console (CSRF check failed). "
            "Go back, reload the page and try again.",
        )


Done = TypeVar("Done")


def submit_form(
    request: Request,
    viewer: Viewer,
    csrf_token: str | None,
    action: Callable[[Session, ConsoleUser], Done],
) -> Done:
    """A form's change: the CSRF check, then `action` for the signed-in user in one
    transaction, which it records in the audit log itself (cases/). What the domain refuses
    (not allowed, not found, already done) becomes the page that says why; the route answers
    with where to go next (`see_other`)."""
    check_csrf(viewer, csrf_token)
    try:
        with database_of(request).session() as session:
            return action(session, viewer.user)
    except ActionRefused as refusal:
        raise ConsolePageError(refusal.status, refusal.message) from refusal


def see_other(url: str) -> Response:
    """The answer to a form: go to `url` (a reload there does not resubmit the form)."""
    return RedirectResponse(url, status_code=303)


def render(
    request: Request, name: str, viewer: Viewer | None, status_code: int = 200, **context: Any
) -> Response:
    return templates.TemplateResponse(
        request, name, {"viewer": viewer, "now": utcnow(), **context}, status_code=status_code
    )
