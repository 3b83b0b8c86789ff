"""`childsafe user ACTION --username NAME`: manage moderator-console users.

create (--role ROLE), reset-password, deactivate, reactivate, revoke-sessions, unlock. A new
password comes from --password-stdin, or a strong one is generated and printed once. Changes
are audited as `cli:<operating-system user>`; deactivation, a new password and revocation end
the user's console sessions at once.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from collections.abc import Callable

from sqlalchemy.orm import Session

from childsafe.cases import users
from childsafe.cases.roles import Role
from childsafe.cli.cases import open_database

# What each action does to an existing user, and what is printed after it.
CHANGES: dict[str, tuple[Callable[[Session, str, str], object], str]] = {
    "deactivate": (
        lambda s, name, by: users.set_active(s, name, active=False, by=by),
        "deactivated (signed out everywhere)",
    ),
    "reactivate": (
        lambda s, name, by: users.set_active(s, name, active=True, by=by),
        "reactivated",
    ),
    "revoke-sessions": (
        lambda s, name, by: users.revoke_sessions(s, name, by=by),
        "signed out everywhere",
    ),
    "unlock": (lambda s, name, by: users.unlock(s, name, by=by), "sign-in delay cleared"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("user", help="manage moderator-console users")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create a console user")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--name", help="display name (default: the username)")
    create.set_defaults(func=run_create)
    reset = actions.add_parser(
        "reset-password", help="give a user a new password (their sessions end)"
    )
    reset.add_argument("--username", required=True)
    reset.set_defaults(func=run_reset_password)
    for command in (create, reset):
        command.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
    helps = {
        "deactivate": "stop a user signing in (their sessions end at once)",
        "reactivate": "let a deactivated user sign in again",
        "revoke-sessions": "sign a user out of every browser",
        "unlock": "clear a user's failed sign-ins (the sign-in delay ends)",
    }
    for action, help_text in helps.items():
        change = actions.add_parser(action, help=help_text)
        change.add_argument("--username", required=True)
        change.set_defaults(func=run_change)


def cli_actor() -> str:
    """Who is changing users, for the audit log: the operating-system account running this."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):
        name = f"uid-{os.getuid()}"
    return f"cli:{name}"[:128]


def _new_password(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, whether it was generated and must be shown)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return secrets.token_urlsafe(15), True


def _run(
    args: argparse.Namespace, work: Callable[[Session], str], shown_password: str | None = None
) -> int:
    """Run one change in a transaction; print its outcome (and a generated password, once)."""
    database = open_database(args)
    try:
        with database.session() as session:
            message = work(session)
    except users.UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    print(message)
    if shown_password:
        print(f"password: {shown_password}   (shown once; store it now)")
    return 0


def run_create(args: argparse.Namespace) -> int:
    password, generated = _new_password(args)

    def work(session: Session) -> str:
        user = users.create_user(
            session,
            username=args.username,
            password=password,
            role=args.role,
            display_name=args.name,
            created_by=cli_actor(),
        )
        return f"created {user.username} ({user.role}), id {user.id}"

    return _run(args, work, password if generated else None)


def run_reset_password(args: argparse.Namespace) -> int:
    password, generated = _new_password(args)

    def work(session: Session) -> str:
        user = users.reset_password(session, args.username, password, by=cli_actor())
        return f"new password set for {user.username}; their sessions ended"

    return _run(args, work, password if generated else None)


def run_change(args: argparse.Namespace) -> int:
    change, outcome = CHANGES[args.action]

    def work(session: Session) -> str:
        change(session, args.username, cli_actor())
        return f"{args.username.strip().lower()} {outcome}"

    return _run(args, work)
