"""The moderator console: sign in, the prioritised queue, a case, decisions, referrals with a
second specialist's approval, evidence and referral downloads, the audit trail, users.

Every route names the permission it needs (403 page otherwise); every view, export and
decision is written to the hash-chained audit log, a decision in the same transaction as the
work it records.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from childsafe.cases import audit, login_throttle, users
from childsafe.cases.actions import (
    ACTION_WORDS,
    ACTIONS,
    ActionRefused,
    close_case,
    decide_referral,
    request_referral,
    take_action,
)
from childsafe.cases.clock import utcnow
from childsafe.cases.evidence import bundle_zip
from childsafe.cases.reports import CATEGORY_BY_KEY
from childsafe.cases.roles import Permission, Role
from childsafe.cases.timeline import case_of_media, load_case
from childsafe.cases.users import UserError, authenticate, create_user
from childsafe.console.blurred_preview import NoPreview, blurred_preview
from childsafe.console.web import (
    DOCUMENT_SECURITY_POLICY,
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
    requires,
    set_cookie,
    sla_words,
    start_session,
)
from childsafe.referrals import nca, ncmec
from childsafe.store.tables.cases import (
    AuditEntry,
    Case,
    CaseAction,
    ConsoleUser,
    EvidenceBundle,
    Referral,
)
from childsafe.store.tables.hashbanks import StoredMedia
from childsafe.store.tables.service import Account
from childsafe.transparency import charts, dsa, report
from childsafe.transparency.figures import compute_figures

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)

QUEUE_PAGE = 50
QUEUE_STATUSES = {"open": ("open",), "in_progress": ("in_progress",)}
CsrfField = Annotated[str | None, Form(alias="csrf_token")]


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


QueueViewer = Annotated[Viewer, Depends(requires(Permission.VIEW_QUEUE))]
CaseViewer = Annotated[Viewer, Depends(requires(Permission.VIEW_CASE))]
Actor = Annotated[Viewer, Depends(requires(Permission.ACT))]
Referrer = Annotated[Viewer, Depends(requires(Permission.REFER))]
Approver = Annotated[Viewer, Depends(requires(Permission.APPROVE_REFERRAL))]
Exporter = Annotated[Viewer, Depends(requires(Permission.EXPORT_REFERRAL))]
AuditViewer = Annotated[Viewer, Depends(requires(Permission.VIEW_AUDIT))]
FiguresViewer = Annotated[Viewer, Depends(requires(Permission.VIEW_TRANSPARENCY))]
UserAdmin = Annotated[Viewer, Depends(requires(Permission.MANAGE_USERS))]


def _home(viewer: Viewer) -> str:
    if viewer.can(Permission.VIEW_QUEUE):
        return f"{PREFIX}/"
    if viewer.can(Permission.VIEW_AUDIT):
        return f"{PREFIX}/audit"
    return f"{PREFIX}/transparency"


# --- signing in -------------------------------------------------------------------------------


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
            audit.record(
                session,
                actor=audit.SYSTEM,
                action="login.throttled",
                target_type="login",
                target_id=name,
                details={"retry_after_s": wait},
            )
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
        user = authenticate(session, username, password)
        audit.record(
            session,
            actor=f"user:{user.id}" if user else audit.SYSTEM,
            action="login.succeeded" if user else "login.failed",
            target_type="user" if user else "login",
            target_id=user.id if user else name,
        )
        signed_in = start_session(session, user) if user else None
        if user:
            login_throttle.record_success(session, name, address)
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
    response = _see_other(_home(Viewer(user, csrf)))
    set_cookie(request, response, SESSION_COOKIE, token, int(SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, viewer: ViewerDep, csrf_token: CsrfField = None) -> Response:
    check_csrf(viewer, csrf_token)
    with database_of(request).session() as session:
        end_session(session, request.cookies.get(SESSION_COOKIE))
        audit.record(
            session,
            actor=viewer.actor,
            action="logout",
            target_type="user",
            target_id=viewer.user.id,
        )
    response = _see_other(f"{PREFIX}/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- the queue --------------------------------------------------------------------------------


@router.get("/")
def queue(
    request: Request,
    viewer: QueueViewer,
    status: Annotated[str, Query(pattern="^(open|in_progress)$")] = "open",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    now = utcnow()
    statuses = QUEUE_STATUSES[status]
    with database_of(request).session() as session:
        rows = session.scalars(
            select(Case)
            .where(Case.status.in_(statuses))
            .order_by(Case.priority_rank, Case.sla_due_at, Case.id)
            .limit(QUEUE_PAGE)
            .offset((page - 1) * QUEUE_PAGE)
        ).all()
        counts = dict(
            session.execute(
                select(Case.priority, func.count())
                .where(Case.status.in_(statuses))
                .group_by(Case.priority)
            ).all()
        )
        overdue = session.scalar(
            select(func.count()).where(Case.status.in_(statuses), Case.sla_due_at < now)
        )
        audit.record(
            session,
            actor=viewer.actor,
            action="queue.viewed",
            target_type="queue",
            target_id=status,
            details={"page": page},
        )
    cases = [(case, *sla_words(case.sla_due_at, now)) for case in rows]
    total = sum(counts.values())
    return render(
        request,
        "queue.html",
        viewer,
        cases=cases,
        counts=counts,
        total=total,
        overdue=overdue or 0,
        status=status,
        page=page,
        pages=max((total + QUEUE_PAGE - 1) // QUEUE_PAGE, 1),
    )


# --- one case ---------------------------------------------------------------------------------


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: str, viewer: CaseViewer) -> Response:
    now = utcnow()
    with database_of(request).session() as session:
        contents = load_case(session, case_id)
        if contents is None:
            raise ConsolePageError(404, f"There is no case {case_id}.")
        account_ids = [contents.case.suspect_account_id, *contents.case.victim_account_ids]
        accounts = {
            account.id: account
            for account in session.scalars(select(Account).where(Account.id.in_(account_ids)))
        }
        actions = session.execute(
            select(CaseAction, ConsoleUser.display_name)
            .join(ConsoleUser, ConsoleUser.id == CaseAction.actor_user_id)
            .where(CaseAction.case_id == case_id)
            .order_by(CaseAction.created_at)
        ).all()
        referrals = session.scalars(
            select(Referral).where(Referral.case_id == case_id).order_by(Referral.requested_at)
        ).all()
        bundles = session.scalars(
            select(EvidenceBundle)
            .where(EvidenceBundle.case_id == case_id)
            .order_by(EvidenceBundle.sealed_at)
        ).all()
        shown = [m.media_id for c in contents.conversations for m in c.messages if m.media_id]
        matched = [i.source_id for i in contents.items if i.source == "hash_match"]
        media_ids = set(
            session.scalars(select(StoredMedia.id).where(StoredMedia.id.in_(shown + matched)))
        )
        trail = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.target_type == "case", AuditEntry.target_id == case_id)
            .order_by(AuditEntry.seq.desc())
            .limit(30)
        ).all()
        audit.record(
            session,
            actor=viewer.actor,
            action="case.viewed",
            target_type="case",
            target_id=case_id,
        )
    sla_text, overdue = sla_words(contents.case.sla_due_at, now)
    return render(
        request,
        "case.html",
        viewer,
        contents=contents,
        accounts=accounts,
        actions=actions,
        referrals=referrals,
        bundles=bundles,
        trail=trail,
        media_ids=media_ids,
        sla_text=sla_text,
        overdue=overdue,
        action_kinds=ACTIONS,
        action_words=ACTION_WORDS,
        categories=CATEGORY_BY_KEY,
        message=request.query_params.get("done"),
    )


def _act(request: Request, work: Callable[[Session], tuple[str, str]]) -> Response:
    """Run a decision in one transaction, then show its case: `work` returns (case id, outcome)."""
    try:
        with database_of(request).session() as session:
            case_id, outcome = work(session)
    except ActionRefused as refusal:
        raise ConsolePageError(refusal.status, refusal.message) from refusal
    return _see_other(f"{PREFIX}/cases/{case_id}?done={outcome}")


@router.post("/cases/{case_id}/actions")
def act_on_case(
    request: Request,
    case_id: str,
    viewer: Actor,
    kind: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(viewer, csrf_token)
    return _act(
        request,
        lambda session: (case_id, take_action(session, case_id, kind, viewer.user, reason).kind),
    )


@router.post("/cases/{case_id}/close")
def close(
    request: Request,
    case_id: str,
    viewer: Actor,
    reason: Annotated[str, Form(max_length=4000)] = "",
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(viewer, csrf_token)

    def work(session: Session) -> tuple[str, str]:
        close_case(session, case_id, viewer.user, reason)
        return case_id, "closed"

    return _act(request, work)


@router.post("/cases/{case_id}/referrals")
def refer(
    request: Request,
    case_id: str,
    viewer: Referrer,
    reason: Annotated[str, Form(max_length=4000)] = "",
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(viewer, csrf_token)

    def work(session: Session) -> tuple[str, str]:
        request_referral(session, case_id, viewer.user, reason)
        return case_id, "referral-requested"

    return _act(request, work)


@router.post("/referrals/{referral_id}/decision")
def decide(
    request: Request,
    referral_id: str,
    viewer: Approver,
    decision: Annotated[str, Form(pattern="^(approve|reject)$")] = "approve",
    reason: Annotated[str, Form(max_length=4000)] = "",
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(viewer, csrf_token)

    def work(session: Session) -> tuple[str, str]:
        referral = decide_referral(session, referral_id, viewer.user, decision == "approve", reason)
        return referral.case_id, f"referral-{referral.status}"

    return _act(request, work)


def _case_media(session: Session, media_id: str) -> tuple[StoredMedia, str]:
    """An image that belongs to a case, with that case's id (404 page otherwise)."""
    stored = session.get(StoredMedia, media_id)
    case_id = case_of_media(session, media_id) if stored is not None else None
    if stored is None or case_id is None:
        raise ConsolePageError(404, "There is no such image in any case.")
    return stored, case_id


# Images are named in the query string, never in the path: a stored id such as ".." would
# otherwise be resolved by the browser into another console URL.
MediaId = Annotated[str, Query(alias="id", min_length=1, max_length=128)]


@router.get("/media/blurred")
def media_blurred(request: Request, media_id: MediaId, viewer: CaseViewer) -> Response:
    """The case page's blurred preview: nothing can be made out, so it is not a view."""
    with database_of(request).session() as session:
        stored, _case_id = _case_media(session, media_id)
        content = stored.content
    try:
        preview = blurred_preview(content)
    except NoPreview as error:
        raise ConsolePageError(422, "This image cannot be previewed.") from error
    return Response(preview, media_type="image/jpeg")


@router.get("/media/original")
def media_original(request: Request, media_id: MediaId, viewer: CaseViewer) -> Response:
    """The image itself, fetched by the click that un-blurs it: recorded as viewed."""
    with database_of(request).session() as session:
        stored, case_id = _case_media(session, media_id)
        audit.record(
            session,
            actor=viewer.actor,
            action="media.viewed",
            target_type="case",
            target_id=case_id,
            details={"media_id": media_id},
        )
        return Response(stored.content, media_type=stored.content_type)


STATIC_DIR = Path(__file__).with_name("static")
STATIC_TYPES = {"console.css": "text/css", "console.js": "text/javascript"}


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """The console's own stylesheet and script (the CSP allows no inline ones)."""
    if name not in STATIC_TYPES:
        raise ConsolePageError(404, "There is no such file.")
    return FileResponse(
        STATIC_DIR / name, media_type=STATIC_TYPES[name], headers={"Cache-Control": "no-cache"}
    )


# --- downloads --------------------------------------------------------------------------------


def _approved_referral(request: Request, case_id: str, viewer: Viewer, what: str) -> None:
    with database_of(request).session() as session:
        approved = session.scalar(
            select(Referral.id).where(Referral.case_id == case_id, Referral.status == "approved")
        )
        if approved is None:
            raise ConsolePageError(
                409, "This case has no approved referral yet: a second specialist must approve it."
            )
        audit.record(
            session,
            actor=viewer.actor,
            action=f"referral.exported.{what}",
            target_type="case",
            target_id=case_id,
        )


@router.get("/cases/{case_id}/referral/ncmec.xml")
def ncmec_xml(request: Request, case_id: str, viewer: Exporter) -> Response:
    _approved_referral(request, case_id, viewer, "ncmec")
    with database_of(request).session() as session:
        xml = ncmec.export_case(session, case_id)
    return Response(
        xml,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="ncmec-{case_id}.xml"'},
    )


@router.get("/cases/{case_id}/referral/nca.{fmt}")
def nca_package(request: Request, case_id: str, fmt: str, viewer: Exporter) -> Response:
    if fmt not in ("json", "html"):
        raise ConsolePageError(404, "The NCA package comes as .json or .html.")
    _approved_referral(request, case_id, viewer, f"nca-{fmt}")
    with database_of(request).session() as session:
        package = nca.build_package(session, case_id)
    if fmt == "json":
        return Response(
            nca.to_json(package),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="nca-{case_id}.json"'},
        )
    return Response(
        nca.to_html(package),
        media_type="text/html",
        headers={"Content-Security-Policy": DOCUMENT_SECURITY_POLICY},
    )


@router.get("/evidence/{bundle_id}.zip")
def evidence_zip(request: Request, bundle_id: str, viewer: Exporter) -> Response:
    with database_of(request).session() as session:
        bundle = session.get(EvidenceBundle, bundle_id)
        if bundle is None:
            raise ConsolePageError(404, f"There is no evidence bundle {bundle_id}.")
        audit.record(
            session,
            actor=viewer.actor,
            action="evidence.downloaded",
            target_type="case",
            target_id=bundle.case_id,
            details={"bundle_id": bundle_id},
        )
        data = bundle_zip(bundle)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{bundle_id}.zip"'},
    )


# --- audit, figures, users --------------------------------------------------------------------


@router.get("/audit")
def audit_page(
    request: Request,
    viewer: AuditViewer,
    before: Annotated[int | None, Query(ge=1)] = None,
    verify: bool = False,
) -> Response:
    # Verifying walks the whole chain, so it runs when asked for, in its own read-only
    # transaction (appending takes the chain's lock; a long walk must not hold it).
    with database_of(request).session() as session:
        query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(100)
        if before is not None:
            query = query.where(AuditEntry.seq < before)
        entries = session.scalars(query).all()
        check = audit.verify_chain(session) if verify else None
    with database_of(request).session() as session:
        audit.record(
            session,
            actor=viewer.actor,
            action="audit.verified" if verify else "audit.viewed",
            target_type="audit",
            target_id="log",
        )
    return render(request, "audit.html", viewer, entries=entries, check=check)


@router.get("/transparency")
def transparency_page(
    request: Request,
    viewer: FiguresViewer,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    end = end or utcnow().date()
    start = start or end - timedelta(days=30)
    if start > end:
        raise ConsolePageError(400, "'from' must be on or before 'to'.")
    with database_of(request).session() as session:
        figures = compute_figures(session, start, end)
        audit.record(
            session,
            actor=viewer.actor,
            action="transparency.viewed",
            target_type="report",
            target_id=f"{start}..{end}",
        )
    return render(
        request,
        "transparency.html",
        viewer,
        figures=figures,
        headlines=report.headline_values(figures),
        charts=charts.figure_charts(figures),
    )


@router.get("/transparency/report.{fmt}")
def transparency_download(
    request: Request,
    fmt: str,
    viewer: FiguresViewer,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
) -> Response:
    if start > end:
        raise ConsolePageError(400, "'from' must be on or before 'to'.")
    # The export is recorded first, in its own short transaction: a long export must not hold
    # the audit chain's lock.
    with database_of(request).session() as session:
        audit.record(
            session,
            actor=viewer.actor,
            action=f"transparency.exported.{fmt}",
            target_type="report",
            target_id=f"{start}..{end}",
        )
    with database_of(request).session() as session:
        if fmt == "dsa-sor":
            body = "".join(dsa.batch_line(b) + "\n" for b in dsa.batches(session, start, end))
            return Response(
                body,
                media_type="application/x-ndjson",
                headers=_attachment(f"dsa-statements-{start}-{end}.jsonl"),
            )
        figures = compute_figures(session, start, end)
    name = f"transparency-{start}-{end}.{fmt}"
    if fmt == "html":
        return Response(
            report.to_html(figures),
            media_type="text/html",
            headers={"Content-Security-Policy": DOCUMENT_SECURITY_POLICY},
        )
    if fmt == "csv":
        return Response(report.to_csv(figures), media_type="text/csv", headers=_attachment(name))
    if fmt == "json":
        return Response(report.to_json(figures), media_type="application/json")
    if fmt == "pdf":
        return Response(
            report.to_pdf(figures), media_type="application/pdf", headers=_attachment(name)
        )
    raise ConsolePageError(404, "Reports come as .html, .pdf, .csv, .json or .dsa-sor.")


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _users_page(
    request: Request, viewer: Viewer, status_code: int = 200, error: str | None = None
) -> Response:
    with database_of(request).session() as session:
        all_users = session.scalars(select(ConsoleUser).order_by(ConsoleUser.username)).all()
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
    return _see_other(f"{PREFIX}/users?{urlencode({'done': f'created {user.username}'})}")


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
    return _see_other(f"{PREFIX}/users?{urlencode({'done': done})}")
