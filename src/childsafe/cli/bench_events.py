"""`childsafe bench events [--json]`: webhook events/s delivered and emit-to-receipt delay."""

from __future__ import annotations

import argparse

from childsafe.bench.databases import add_postgres_option
from childsafe.bench.events import bench_events
from childsafe.cli.arguments import seconds, whole_number
from childsafe.cli.output import BenchResult, bench_each_backend


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "events", help="webhook events/s delivered, signed, to a local receiver, and the delay"
    )
    parser.add_argument(
        "--events", type=whole_number(1), default=1000, help="backlog timed for the rate"
    )
    parser.add_argument(
        "--paced", type=whole_number(1), default=100, help="events timed for the delay"
    )
    parser.add_argument(
        "--pace",
        type=seconds(allow_zero=True),
        default=0.05,
        help="seconds between the paced events",
    )
    add_postgres_option(parser)
    parser.add_argument("--json", action="store_true", help="print only JSON on stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return bench_each_backend(
        args, lambda url: bench_events(url, args.events, args.paced, args.pace), _lines
    )


def _lines(result: BenchResult) -> list[str]:
    return [
        f"{result['backend']:>10}: {result['events_per_s']:,.0f} events/s delivered "
        f"({result['events']:,} in {result['backlog_seconds']} s, one receiver); "
        f"emit to receipt p50 {result['delay_p50_ms']} ms, p99 {result['delay_p99_ms']} ms "
        f"over {result['paced_events']} paced events (worker polls every "
        f"{result['poll_ms']} ms); {result['unverified']} bad signatures"
    ]
