"""`childsafe bench console`: the queue page with 10,000 open cases (target < 200 ms)."""

from __future__ import annotations

import argparse
import json
import os
from contextlib import AbstractContextManager

from childsafe.bench.api import postgres_database, sqlite_database
from childsafe.bench.console import bench_queue


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("console", help="moderator queue page latency with many cases")
    parser.add_argument("--cases", type=int, default=10_000, help="open cases in the queue")
    parser.add_argument("--requests", type=int, default=100, help="timed page requests")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("DATABASE_URL"),
        help="PostgreSQL server for a throwaway database (default: DATABASE_URL)",
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON line of results")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    backends: list[AbstractContextManager[str]] = [sqlite_database()]
    if args.postgres_url and "postgres" in args.postgres_url:
        backends.append(postgres_database(args.postgres_url))
    results = []
    for backend in backends:
        with backend as url:
            result = bench_queue(url, args.cases, args.requests)
        results.append(result)
        print(
            f"{result['backend']:>10}: queue page with {result['open_cases']:,} open cases: "
            f"median {result['median_ms']} ms, p95 {result['p95_ms']} ms, "
            f"max {result['max_ms']} ms over {result['requests']} requests (target < 200 ms)"
        )
    if args.json:
        print(json.dumps(results))
    return 0
