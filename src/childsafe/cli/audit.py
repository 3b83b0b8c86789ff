"""`childsafe audit verify`: check the audit log's hash chain end to end."""

from __future__ import annotations

import argparse

from childsafe.cases.audit import verify_chain
from childsafe.cli.cases import open_database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("audit", help="check the hash-chained audit log")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="verify the chain; names the first broken entry")
    verify.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    database = open_database(args)
    with database.session() as session:
        check = verify_chain(session)
    database.dispose()
    print(check.describe())
    return 0 if check.ok else 1
