"""`childsafe bench console`: the queue page, plain, searched and filtered, with 10,000 open
cases (--cases 100000 for the larger figure; target median < 200 ms on both backends)."""

from __future__ import annotations

import argparse

from childsafe.bench.console import bench_queue
from childsafe.bench.databases import add_postgres_option
from childsafe.cli.output import BenchResult, bench_each_backend


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("console", help="moderator queue page latency with many cases")
    parser.add_argument("--cases", type=int, default=10_000, help="open cases in the queue")
    parser.add_argument("--requests", type=int, default=100, help="timed page requests")
    add_postgres_option(parser)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of results")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return bench_each_backend(args, lambda url: bench_queue(url, args.cases, args.requests), _lines)


def _lines(result: BenchResult) -> list[str]:
    """One line per kind of queue page timed."""
    return [
        f"{result['backend']:>10}: queue page, {kind:>8}, {result['open_cases']:,} open "
        f"cases: median {timing['median_ms']} ms, p95 {timing['p95_ms']} ms, max "
        f"{timing['max_ms']} ms over {result['requests']} requests (target < 200 ms)"
        for kind, timing in result["queries"].items()
    ]
