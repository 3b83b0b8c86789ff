"""`childsafe bench transparency`: figures over 1,000,000 decisions (target < 10 s)."""

from __future__ import annotations

import argparse

from childsafe.bench.databases import add_postgres_option
from childsafe.bench.transparency import bench_transparency
from childsafe.cli.output import BenchResult, bench_each_backend


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
    return bench_each_backend(
        args, lambda url: bench_transparency(url, args.actions, args.cases, args.reports), _lines
    )


def _lines(result: BenchResult) -> list[str]:
    return [
        f"{result['backend']:>10}: figures over {result['actions']:,} decisions, "
        f"{result['cases']:,} cases, {result['reports']:,} reports: "
        f"median {result['figures_seconds_median']} s of 3 runs (target < 10 s); "
        f"{result['dsa_statements']:,} DSA statements in {result['dsa_seconds']} s "
        f"(loading took {result['load_seconds']} s)"
    ]
