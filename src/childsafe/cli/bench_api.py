"""`childsafe bench api [--json]`: POST /v1/messages throughput and p99, SQLite vs PostgreSQL."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from childsafe.bench.api import bench_backend
from childsafe.bench.databases import add_postgres_option, throwaway_databases
from childsafe.cli.arguments import seconds, whole_number
from childsafe.cli.output import human_print
from childsafe.cli.serve import add_screening_options


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "api", help="messages/s and p99 latency of the HTTP API, SQLite and PostgreSQL"
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON line of results")
    parser.add_argument(
        "--seconds",
        type=seconds(allow_zero=False),
        default=10.0,
        help="measured seconds per backend",
    )
    parser.add_argument(
        "--warmup", type=seconds(allow_zero=True), default=2.0, help="unmeasured seconds first"
    )
    parser.add_argument(
        "--concurrency", type=whole_number(1), default=32, help="keep-alive connections"
    )
    parser.add_argument(
        "--pairs", type=whole_number(1), default=100, help="account pairs (conversations)"
    )
    parser.add_argument(
        "--spaces",
        action="store_true",
        help="every conversation in a space of its own (what the space ratings cost)",
    )
    parser.add_argument(
        "--webhook-sleep",
        type=seconds(allow_zero=True),
        default=0.0,
        metavar="SECONDS",
        help="subscribe a local receiver to message.held that sleeps SECONDS before answering "
        "each delivery (what a slow platform costs the message path; default 0: none)",
    )
    add_screening_options(parser)  # passed on to `childsafe serve`
    add_postgres_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    say = human_print(args)
    results: dict[str, Any] = {}
    for name, database in throwaway_databases(args.postgres_url):
        with database as url:
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            say(
                f"{name}: {args.concurrency} connections, {args.seconds:g} s "
                f"(machine load average before: {load}) ...",
                flush=True,
            )
            results[name] = bench_backend(url, args)
    say()
    say(
        f"{'backend':<12}{'msgs/s':>9}{'slowest 1 s':>13}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}"
        f"{'server CPU ms/msg':>19}{'client CPU ms/msg':>19}"
    )
    for name, r in results.items():
        bad = r["messages"] - r["ok"]
        say(
            f"{name:<12}{r['msgs_per_s']:>9.0f}{r['slowest_second_msgs']:>13}"
            f"{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{bad:>9}"
            f"{r['server_cpu_ms_per_msg']:>19.3f}{r['client_cpu_ms_per_msg']:>19.3f}"
        )
    say(
        f"load: {args.concurrency} keep-alive connections, {args.seconds:g} s per backend, "
        f"screening in a {args.screening}"
    )
    for name, r in results.items():
        if "held_events_at_webhook" in r:
            say(
                f"{name}: {r['held_events_at_webhook']} message.held events reached the webhook "
                f"receiver, which sleeps {args.webhook_sleep:g} s on each"
            )
    if args.json:
        keys = (
            "msgs_per_s",
            "p99_ms",
            "p50_ms",
            "slowest_second_msgs",
            "messages",
            "ok",
            "server_cpu_ms_per_msg",
            "held_events_at_webhook",
        )
        print(json.dumps({name: {k: r[k] for k in keys if k in r} for name, r in results.items()}))
    return 0
