"""`childsafe bench rescan [--workers K] [--json]`: replayed messages/s of a rescan in this
process and on 1..K workers, side by side in one run."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from childsafe.bench.databases import add_postgres_option, postgres_database
from childsafe.bench.rescan import in_this_process, on_workers, store_history
from childsafe.cli.arguments import whole_number
from childsafe.cli.worker import DEFAULT_NATS_URL
from childsafe.store.db import Database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rescan", help="a rescan's replay rate in this process and on 1..K workers"
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON line of results")
    parser.add_argument(
        "--workers", type=whole_number(1), default=2, help="measure 1 up to this many workers"
    )
    parser.add_argument(
        "--messages", type=whole_number(1), default=200_000, help="stored messages to replay"
    )
    parser.add_argument(
        "--conversations", type=whole_number(1), default=2_000, help="spread over this many"
    )
    parser.add_argument(
        "--nats", default=os.environ.get("NATS_URL", DEFAULT_NATS_URL), metavar="URL"
    )
    add_postgres_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.postgres_url or "postgres" not in args.postgres_url:
        raise SystemExit("bench rescan needs PostgreSQL: set DATABASE_URL or --postgres-url")
    results: list[dict[str, Any]] = []
    with postgres_database(args.postgres_url) as url:
        database = Database(url)
        database.migrate()
        try:
            store_history(database, args.messages, args.conversations)
            print(
                f"{args.messages:,} messages in {args.conversations:,} conversations stored",
                flush=True,
            )
            alone, expected = in_this_process(database, args.messages)
            results.append(alone)
            for workers in range(1, args.workers + 1):
                load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
                print(f"{workers} worker(s) (load average before: {load}) ...", flush=True)
                results.append(
                    on_workers(args.nats, url, database, args.messages, workers, expected)
                )
        finally:
            database.dispose()
    single = results[0]["msgs_per_s"] or 1
    print()
    print(f"{'replayed in':<16}{'msgs/s':>9}{'seconds':>9}{'vs this process':>17}")
    for result in results:
        result["ratio"] = round(result["msgs_per_s"] / single, 2)
        print(
            f"{result['where']:<16}{result['msgs_per_s']:>9}{result['seconds']:>9}"
            f"{result['ratio']:>17}"
        )
    print(
        f"PostgreSQL, shipped model, {os.cpu_count()} cores shared by the workers, the database "
        "and NATS; every run reported the same findings"
    )
    if args.json:
        print(json.dumps({"runs": results}))
    return 0
