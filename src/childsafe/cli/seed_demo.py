"""`childsafe seed-demo`: example accounts and invented conversations for a first look.

The service's conversations go through the real message path (they raise the alerts); other
areas add their demo data after it by listing a `(database, say) -> object` function in
EXTENSIONS. Safe to re-run: nothing is added twice.
"""

from __future__ import annotations

import argparse
import importlib
import logging

from childsafe.screening.demo import seed_demo_conversations
from childsafe.store.db import Database

# (module, function) run after the demo conversations, in order.
EXTENSIONS: list[tuple[str, str]] = [
    ("childsafe.cases.demo", "seed_demo_cases"),
    ("childsafe.media.demo", "seed_demo_images"),
]


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
    seed_demo_conversations(database)
    for module_path, function in EXTENSIONS:
        getattr(importlib.import_module(module_path), function)(database, print)
    print(
        "API keys: `childsafe apikey create --name my-platform --scope ingest` (printed once; "
        "add `--scope moderation` to read alerts and media back)"
    )
    database.dispose()
    return 0
