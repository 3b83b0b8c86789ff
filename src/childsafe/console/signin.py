"""Signing in and out of the console: the login form (a double-submit CSRF cookie, since there
is no session yet), the login throttle, and the session cookie."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from childsafe.cases import login_throttle, users
from childsafe.cases.roles import Permission
from childsafe.console.params import CsrfField
from childsafe.console.web import (
    LOGIN_CSRF_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    SESSION_LIFETIME,
    ConsolePageError,
    ConsoleRoute,
    Viewer,
    ViewerDep,
    check_csrf,
    client_address,
    database_of,
    end_session,
    render,
    see_other,
    set_cookie,
    start_session,
)

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)


def _home(viewer: Viewer) -> str:
    """The first page a role may open: the queue, else the audit log, else the figures."""
    if viewer.can(Permission.VIEW_QUEUE):
        return f"{PREFIX}/"
    if viewer.can(Permission.VIEW_AUDIT):
        return f"{PREFIX}/audit"
    return f"{PREFIX}/transparency"


@router.get("/login")
def login_page(request: Request) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", None, login_csrf=token, error=None)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: CsrfField = None,
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or not csrf_token or not hmac.compare_digest(cookie, csrf_token):
        raise ConsolePageError(403, "The sign-in form expired. Reload the page and try again.")
    if not username.strip() or not password:
        return render(
            request,
            "login.html",
            None,
            status_code=400,
            login_csrf=cookie,
            error="Enter your username and password.",
        )
    name = username.strip().lower()[:64]
    address = client_address(request)
    # The attempt is counted (and committed) before the password is checked: see login_throttle.
    with database_of(request).session() as session:
        wait = login_throttle.claim_attempt(session, name, address)
    if wait is not None:
        with database_of(request).session() as session:
            users.record_throttled(session, name, wait)
        response = render(
            request,
            "login.html",
            None,
            status_code=429,
            login_csrf=cookie,
            error=f"Too many failed sign-ins. Try again in {wait} seconds.",
        )
        response.headers["Retry-After"] = str(wait)
        return response
    with database_of(request).session() as session:
        user = users.sign_in(session, username, password, address)
        signed_in = start_session(session, user) if user else None
    if user is None or signed_in is None:
        return render(
            request,
            "login.html",
            None,
            status_code=401,
            login_csrf=cookie,
            error="That username and password do not match.",
        )
    token, csrf = signed_in
    response = see_other(_home(Viewer(user, csrf)))
    set_cookie(request, response, SESSION_COOKIE, token, int(SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, viewer: ViewerDep, csrf_token: CsrfField = None) -> Response:
    check_csrf(viewer, csrf_token)
    with database_of(request).session() as session:
        end_session(session, request.cookies.get(SESSION_COOKIE))
        users.record_sign_out(session, viewer.user)
    response = see_other(f"{PREFIX}/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
