"""Console users: created, deactivated, given new passwords and signed out everywhere (from the
CLI or an admin in the console), passwords hashed with argon2id. Every change is audited with
the acting admin; deactivation, a new password and revocation end the user's sessions at once
(each console request looks its session row up, console/web.py)."""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cases import login_throttle
from childsafe.cases.passwords import password_problem
from childsafe.cases.roles import Role
from childsafe.store.tables.cases import ConsoleSession, ConsoleUser

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps the timing the same either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class UserError(ValueError):
    pass


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    created_by: str = audit.SYSTEM,
) -> ConsoleUser:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise UserError("username: 2-64 characters, lower-case letters, digits, '.', '_' or '-'")
    try:
        role = Role(role).value
    except ValueError:
        raise UserError(f"role must be one of {', '.join(r.value for r in Role)}") from None
    _check_password(password, username, display_name)
    if session.scalar(select(ConsoleUser.id).where(ConsoleUser.username == username)):
        raise UserError(f"a user named {username!r} already exists")
    user = ConsoleUser(
        id="usr_" + secrets.token_hex(6),
        username=username,
        display_name=(display_name or username).strip()[:200],
        role=role,
        password_hash=_hasher.hash(password),
        active=True,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=created_by,
        action="user.created",
        target_type="user",
        target_id=user.id,
        details={"username": username, "role": role},
    )
    return user


def authenticate(session: Session, username: str, password: str) -> ConsoleUser | None:
    user = session.scalar(
        select(ConsoleUser).where(ConsoleUser.username == username.strip().lower())
    )
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def sign_in(session: Session, username: str, password: str, address: str) -> ConsoleUser | None:
    """Check a sign-in that the throttle let through (login_throttle.claim_attempt) and audit it;
    the right password clears the account's failures. None when it does not match."""
    name = _login_name(username)
    user = authenticate(session, username, password)
    audit.record(
        session,
        actor=f"user:{user.id}" if user else audit.SYSTEM,
        action="login.succeeded" if user else "login.failed",
        target_type="user" if user else "login",
        target_id=user.id if user else name,
    )
    if user:
        login_throttle.record_success(session, name, address)
    return user


def record_throttled(session: Session, username: str, retry_after_s: int) -> None:
    """Audit a sign-in refused by the throttle before its password was checked."""
    audit.record(
        session,
        actor=audit.SYSTEM,
        action="login.throttled",
        target_type="login",
        target_id=_login_name(username),
        details={"retry_after_s": retry_after_s},
    )


def record_sign_out(session: Session, user: ConsoleUser) -> None:
    audit.record(
        session, actor=f"user:{user.id}", action="logout", target_type="user", target_id=user.id
    )


def _login_name(username: str) -> str:
    """The name a sign-in attempt is counted and audited under."""
    return username.strip().lower()[:64]


def _check_password(password: str, username: str, display_name: str | None) -> None:
    problem = password_problem(password, context=(username, display_name or username))
    if problem:
        raise UserError(problem)


def _existing(session: Session, username: str) -> ConsoleUser:
    name = username.strip().lower()
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.username == name).with_for_update())
    if user is None:
        raise UserError(f"there is no user named {name!r}")
    return user


def _end_sessions(session: Session, user: ConsoleUser) -> int:
    result = session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id))
    return int(result.rowcount)  # type: ignore[attr-defined]


def _record(session: Session, by: str, action: str, user: ConsoleUser, **details: object) -> None:
    audit.record(
        session,
        actor=by,
        action=action,
        target_type="user",
        target_id=user.id,
        details={"username": user.username, **details},
    )


def set_active(session: Session, username: str, *, active: bool, by: str) -> ConsoleUser:
    """Deactivate (signed out at once, cannot sign in) or reactivate a user."""
    audit.serialise_writes(session)
    user = _existing(session, username)
    if not active and user.role == Role.ADMIN.value and user.active:
        other_admins = session.scalar(
            select(func.count()).where(
                ConsoleUser.role == Role.ADMIN.value,
                ConsoleUser.active.is_(True),
                ConsoleUser.id != user.id,
            )
        )
        if not other_admins:
            raise UserError("this is the last active admin; make another admin first")
    user.active = active
    ended = 0 if active else _end_sessions(session, user)
    _record(session, by, "user.reactivated" if active else "user.deactivated", user, sessions=ended)
    return user


def reset_password(session: Session, username: str, password: str, *, by: str) -> ConsoleUser:
    """A new password (the same policy as at creation); the user's sessions end."""
    audit.serialise_writes(session)
    user = _existing(session, username)
    _check_password(password, user.username, user.display_name)
    user.password_hash = _hasher.hash(password)
    ended = _end_sessions(session, user)
    _record(session, by, "user.password_reset", user, sessions=ended)
    return user


def revoke_sessions(session: Session, username: str, *, by: str) -> int:
    """Sign the user out of every browser; returns how many sessions ended."""
    audit.serialise_writes(session)
    user = _existing(session, username)
    ended = _end_sessions(session, user)
    _record(session, by, "user.sessions_revoked", user, sessions=ended)
    return ended


def unlock(session: Session, username: str, *, by: str) -> ConsoleUser:
    """Clear the user's failed sign-ins, so the sign-in delay ends now."""
    audit.serialise_writes(session)
    user = _existing(session, username)
    cleared = login_throttle.unlock_account(session, user.username)
    _record(session, by, "user.unlocked", user, cleared=cleared)
    return user
