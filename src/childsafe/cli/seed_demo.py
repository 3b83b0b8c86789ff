"""`childsafe seed-demo`: example accounts and invented conversations for a first look.

What is added lives in childsafe.demo (`seed.py` lists it). Safe to re-run: nothing is added
twice.
"""

from __future__ import annotations

import argparse
import logging

from childsafe.demo.seed import seed_demo
from childsafe.store.db import Database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "seed-demo", help="load example accounts and conversations (idempotent)"
    )
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    database = Database(args.database_url)
    database.migrate()
    print(f"database: {database.engine.url.render_as_string(hide_password=True)}")
    seed_demo(database)
    print(
        "API keys: `childsafe apikey create --name my-platform --scope ingest` (printed once; "
        "add `--scope moderation` to read alerts and media back)"
    )
    database.dispose()
    return 0
