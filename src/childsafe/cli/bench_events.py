"""`childsafe bench events [--json]`: webhook events/s delivered and emit-to-receipt delay."""

from __future__ import annotations

import argparse
import json

from childsafe.bench.databases import add_postgres_option, throwaway_databases
from childsafe.bench.events import bench_events
from childsafe.cli.arguments import seconds, whole_number
from childsafe.cli.output import human_print


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
    say = human_print(args)
    results = []
    for _name, backend in throwaway_databases(args.postgres_url):
        with backend as url:
            result = bench_events(url, args.events, args.paced, args.pace)
        results.append(result)
        say(
            f"{result['backend']:>10}: {result['events_per_s']:,.0f} events/s delivered "
            f"({result['events']:,} in {result['backlog_seconds']} s, one receiver); "
            f"emit to receipt p50 {result['delay_p50_ms']} ms, p99 {result['delay_p99_ms']} ms "
            f"over {result['paced_events']} paced events (worker polls every "
            f"{result['poll_ms']} ms); {result['unverified']} bad signatures"
        )
    if args.json:
        print(json.dumps(results))
    return 0
