"""`childsafe apikey create|revoke|list`: platform API keys (stored hashed, shown once)."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import select

from childsafe.api.auth import create_api_key, revoke_api_key
from childsafe.store.db import Database
from childsafe.store.tables.service import ApiKey


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("apikey", help="create, list or revoke platform API keys")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create a key and print it (once)")
    create.add_argument("--name", required=True, help="who the key is for, e.g. the platform")
    create.set_defaults(func=run_create)
    revoke = actions.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    revoke.set_defaults(func=run_revoke)
    listing = actions.add_parser("list", help="list keys (ids and names, never the keys)")
    listing.set_defaults(func=run_list)


def _database(args: argparse.Namespace) -> Database:
    database = Database(args.database_url)
    database.migrate()
    return database


def run_create(args: argparse.Namespace) -> int:
    database = _database(args)
    with database.session() as session:
        issued = create_api_key(session, args.name)
    database.dispose()
    print(issued.key)
    print(
        f"key id {issued.id} for {issued.name!r}: store the key now, it cannot be shown again",
        file=sys.stderr,
    )
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    database = _database(args)
    with database.session() as session:
        found = revoke_api_key(session, args.key_id)
    database.dispose()
    print(f"revoked {args.key_id}" if found else f"no key with id {args.key_id}")
    return 0 if found else 1


def run_list(args: argparse.Namespace) -> int:
    database = _database(args)
    with database.session() as session:
        for key in session.scalars(select(ApiKey).order_by(ApiKey.created_at)):
            state = "revoked" if key.revoked else "active"
            print(f"{key.id}\t{key.name}\t{state}\t{key.created_at.isoformat()}")
    database.dispose()
    return 0
