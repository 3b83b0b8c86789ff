"""`childsafe purge`: delete messages and images past the retention window (see
childsafe.retention.purge); `serve` runs the same purge daily."""

from __future__ import annotations

import argparse
from datetime import timedelta

from childsafe.cli.arguments import whole_number
from childsafe.cli.cases import open_database
from childsafe.retention.purge import WINDOW_ENV, RetentionError, configured_window, purge


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "purge", help="delete messages and images of unflagged conversations past retention"
    )
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    parser.add_argument(
        "--days",
        type=whole_number(1),
        help=f"retention window in days (default: {WINDOW_ENV}, else 30)",
    )
    parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        window = timedelta(days=args.days) if args.days else configured_window()
    except RetentionError as error:
        print(error)
        return 2
    database = open_database(args)
    try:
        report = purge(database, window, dry_run=args.dry_run)
    finally:
        database.dispose()
    print(report.describe())
    return 0
