"""`childsafe apikey create|revoke|list`: platform API keys (stored hashed, shown once), each
with the scopes it may use."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import select

from childsafe.api.auth import DEFAULT_SCOPES, KeyScope, create_api_key, revoke_api_key, scopes_of
from childsafe.store.db import Database
from childsafe.store.tables.service import ApiKey

# Both read and write access in one key: what keys issued before scopes existed were given.
BROAD_SCOPES = frozenset({KeyScope.INGEST, KeyScope.MODERATION})


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("apikey", help="create, list or revoke platform API keys")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create a key and print it (once)")
    create.add_argument("--name", required=True, help="who the key is for, e.g. the platform")
    create.add_argument(
        "--scope",
        action="append",
        choices=[scope.value for scope in KeyScope],
        help="repeat for several: ingest (the platform's writes), moderation (read alerts, "
        "reports, media; match feedback), admin (keys, banks); default: ingest only",
    )
    create.set_defaults(func=run_create)
    revoke = actions.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    revoke.set_defaults(func=run_revoke)
    listing = actions.add_parser("list", help="list keys (ids, names, scopes; never the keys)")
    listing.set_defaults(func=run_list)


def _database(args: argparse.Namespace) -> Database:
    database = Database(args.database_url)
    database.migrate()
    return database


def run_create(args: argparse.Namespace) -> int:
    database = _database(args)
    with database.session() as session:
        scopes = [KeyScope(scope) for scope in args.scope] if args.scope else DEFAULT_SCOPES
        issued = create_api_key(session, args.name, scopes)
    database.dispose()
    print(issued.key)
    print(
        f"key id {issued.id} for {issued.name!r} with scopes {','.join(sorted(issued.scopes))}: "
        "store the key now, it cannot be shown again",
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
            scopes = scopes_of(key)
            print(
                f"{key.id}\t{key.name}\t{state}\t{','.join(sorted(scopes))}\t"
                f"{key.created_at.isoformat()}"
            )
            if not key.revoked and scopes >= BROAD_SCOPES:
                print(
                    f"warning: {key.id} holds ingest and moderation (keys made before scopes "
                    "existed got both): if it only sends data, replace it with an ingest-only "
                    "key (`apikey create --scope ingest`, then `apikey revoke`)",
                    file=sys.stderr,
                )
    database.dispose()
    return 0
