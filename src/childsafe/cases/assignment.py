"""Who works a case: claiming it, assigning it to a colleague, giving it back, and escalating it
to a child-safety specialist with a reason.

Each function runs in the caller's transaction and writes its audit entry there (as decisions
do, cases/actions.py); refusals raise ActionRefused with words for the person.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cases.actions import ActionRefused, actor_id, clean_reason, locked_case, require
from childsafe.cases.roles import Permission, allowed
from childsafe.model.clock import utcnow
from childsafe.store.tables.cases import Case, ConsoleUser


def _open_case(session: Session, case_id: str) -> Case:
    case = locked_case(session, case_id)
    if case.status == "closed":
        raise ActionRefused("this case is closed; nobody needs to work it")
    return case


def _colleague(session: Session, user_id: str, permission: Permission) -> ConsoleUser:
    """An active console user who holds `permission` (and so can work the case)."""
    colleague = session.get(ConsoleUser, user_id)
    if colleague is None or not colleague.active:
        raise ActionRefused("there is no active console user with that id", 400)
    if not allowed(colleague.role, permission):
        needed = "child-safety specialist" if permission is Permission.REFER else "moderator"
        raise ActionRefused(f"{colleague.display_name} is not a {needed}", 400)
    return colleague


def _name(session: Session, user_id: str | None) -> str:
    user = session.get(ConsoleUser, user_id) if user_id else None
    return user.display_name if user is not None else "nobody"


def _record(
    session: Session, case: Case, user: ConsoleUser, action: str, details: dict[str, str]
) -> None:
    session.flush()
    audit.record(
        session,
        actor=actor_id(user),
        action=action,
        target_type="case",
        target_id=case.id,
        details=details,
    )


def claim(session: Session, case_id: str, user: ConsoleUser) -> Case:
    """Take an unassigned case for yourself ("assign to me")."""
    require(user, Permission.ACT)
    case = _open_case(session, case_id)
    if case.assigned_to == user.id:
        raise ActionRefused("this case is already assigned to you")
    if case.assigned_to is not None:
        raise ActionRefused(
            f"{_name(session, case.assigned_to)} is working this case: assign it to yourself "
            "with a reason to take it over"
        )
    case.assigned_to = user.id
    _record(session, case, user, "case.claimed", {"to": user.id, "to_name": user.display_name})
    return case


def assign(
    session: Session, case_id: str, assignee_id: str, user: ConsoleUser, reason: str
) -> Case:
    """Hand a case to a colleague who may act on it (or take it over), with a reason."""
    require(user, Permission.ACT)
    reason = clean_reason(reason)
    assignee = _colleague(session, assignee_id, Permission.ACT)
    case = _open_case(session, case_id)
    if case.assigned_to == assignee.id:
        raise ActionRefused(f"this case is already assigned to {assignee.display_name}")
    before = _name(session, case.assigned_to)
    case.assigned_to = assignee.id
    _record(
        session,
        case,
        user,
        "case.assigned",
        {
            "to": assignee.id,
            "to_name": assignee.display_name,
            "from_name": before,
            "reason": reason,
        },
    )
    return case


def unassign(session: Session, case_id: str, user: ConsoleUser, reason: str) -> Case:
    """Give a case back to the queue: its assignee may; a specialist may for anyone, with a
    reason."""
    require(user, Permission.ACT)
    case = _open_case(session, case_id)
    if case.assigned_to is None:
        raise ActionRefused("this case is not assigned to anyone")
    details = {"from": case.assigned_to, "from_name": _name(session, case.assigned_to)}
    if case.assigned_to != user.id:
        if not allowed(user.role, Permission.REFER):
            raise ActionRefused(
                f"only {details['from_name']} or a child-safety specialist may unassign it", 403
            )
        details["reason"] = clean_reason(reason)
    case.assigned_to = None
    _record(session, case, user, "case.unassigned", details)
    return case


def escalate(
    session: Session, case_id: str, specialist_id: str, user: ConsoleUser, reason: str
) -> Case:
    """Hand a case to a child-safety specialist, saying why; the queue marks it escalated."""
    require(user, Permission.ACT)
    reason = clean_reason(reason)
    specialist = _colleague(session, specialist_id, Permission.REFER)
    if specialist.id == user.id:
        raise ActionRefused("escalate to another specialist, not to yourself", 400)
    case = _open_case(session, case_id)
    case.assigned_to = specialist.id
    case.escalated_at = utcnow()
    _record(
        session,
        case,
        user,
        "case.escalated",
        {"to": specialist.id, "to_name": specialist.display_name, "reason": reason},
    )
    return case


def assignable_users(session: Session) -> list[ConsoleUser]:
    """Active users a case can be handed to (moderators and specialists), by name."""
    users = session.scalars(
        select(ConsoleUser).where(ConsoleUser.active.is_(True)).order_by(ConsoleUser.display_name)
    ).all()
    return [user for user in users if allowed(user.role, Permission.ACT)]
