"""`childsafe user create --username NAME --role ROLE`: a console user (password argon2-hashed).

The password comes from --password-stdin, or a strong one is generated and printed once.
"""

from __future__ import annotations

import argparse
import secrets
import sys

from childsafe.cases.roles import Role
from childsafe.cases.users import UserError, create_user
from childsafe.cli.cases import open_database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("user", help="manage moderator-console users")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create a console user")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--name", help="display name (default: the username)")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    create.set_defaults(func=run_create)


def run_create(args: argparse.Namespace) -> int:
    generated = not args.password_stdin
    password = secrets.token_urlsafe(15) if generated else sys.stdin.readline().rstrip("\n")
    database = open_database(args)
    try:
        with database.session() as session:
            user = create_user(
                session,
                username=args.username,
                password=password,
                role=args.role,
                display_name=args.name,
                created_by="cli",
            )
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    print(f"created {user.username} ({user.role}), id {user.id}")
    if generated:
        print(f"password: {password}   (shown once; store it now)")
    return 0
