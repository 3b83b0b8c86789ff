"""Console users: created from the CLI, passwords hashed with argon2id."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from childsafe.cases import audit
from childsafe.cases.clock import utcnow
from childsafe.cases.roles import Role
from childsafe.store.tables.cases import AuditEntry, ConsoleUser

# After this many failed sign-ins for one username within the window, refuse for the window.
MAX_FAILED_LOGINS = 5
LOGIN_WINDOW = timedelta(minutes=15)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 12
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
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password: at least {MIN_PASSWORD} characters")
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


def login_throttled(session: Session, username: str) -> bool:
    """Too many recent failures for this username (read from the audit log, where they are)."""
    since = utcnow() - LOGIN_WINDOW
    failures = session.scalar(
        select(func.count()).where(
            AuditEntry.target_type == "login",
            AuditEntry.target_id == username.strip().lower()[:64],
            AuditEntry.action == "login.failed",
            AuditEntry.at >= since,
        )
    )
    return (failures or 0) >= MAX_FAILED_LOGINS
