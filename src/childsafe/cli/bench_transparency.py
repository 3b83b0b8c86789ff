"""`childsafe bench transparency`: figures over 1,000,000 decisions (target < 10 s)."""

from __future__ import annotations

import argparse
import json

from childsafe.bench.databases import add_postgres_option, throwaway_databases
from childsafe.bench.transparency import bench_transparency
from childsafe.cli.output import human_print


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "transparency", help="transparency figures and DSA export over a million decisions"
    )
    parser.add_argument("--actions", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=250_000)
    parser.add_argument("--reports", type=int, default=100_000)
    add_postgres_option(parser)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of results")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    say = human_print(args)
    results = []
    for _name, backend in throwaway_databases(args.postgres_url):
        with backend as url:
            result = bench_transparency(url, args.actions, args.cases, args.reports)
        results.append(result)
        say(
            f"{result['backend']:>10}: figures over {result['actions']:,} decisions, "
            f"{result['cases']:,} cases, {result['reports']:,} reports: "
            f"median {result['figures_seconds_median']} s of 3 runs (target < 10 s); "
            f"{result['dsa_statements']:,} DSA statements in {result['dsa_seconds']} s "
            f"(loading took {result['load_seconds']} s)"
        )
    if args.json:
        print(json.dumps(results))
    return 0
