"""`childsafe bench transparency`: figures over 1,000,000 decisions (target < 10 s)."""

from __future__ import annotations

import argparse
import json
import os
from contextlib import AbstractContextManager

from childsafe.bench.api import postgres_database, sqlite_database
from childsafe.bench.transparency import bench_transparency


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "transparency", help="transparency figures and DSA export over a million decisions"
    )
    parser.add_argument("--actions", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=250_000)
    parser.add_argument("--reports", type=int, default=100_000)
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
            result = bench_transparency(url, args.actions, args.cases, args.reports)
        results.append(result)
        print(
            f"{result['backend']:>10}: figures over {result['actions']:,} decisions, "
            f"{result['cases']:,} cases, {result['reports']:,} reports: "
            f"median {result['figures_seconds_median']} s of 3 runs (target < 10 s); "
            f"{result['dsa_statements']:,} DSA statements in {result['dsa_seconds']} s "
            f"(loading took {result['load_seconds']} s)"
        )
    if args.json:
        print(json.dumps(results))
    return 0
