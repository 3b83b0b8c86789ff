"""`childsafe bench api [--json]`: POST /v1/messages throughput and p99, SQLite vs PostgreSQL,
for one or several numbers of conversations."""

from __future__ import annotations

import argparse
import json
import math
import os
from typing import Any

from childsafe.bench.api import bench_backend
from childsafe.bench.databases import add_postgres_option, throwaway_databases
from childsafe.bench.population import Population
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
    add_population_options(parser, several=True)
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


def add_population_options(parser: argparse.ArgumentParser, *, several: bool) -> None:
    """--conversations (with `several`, one run per number given), --accounts, --zipf."""
    parser.add_argument(
        "--conversations",
        type=whole_number(1),
        nargs="+" if several else None,
        default=[100] if several else 100,
        metavar="M",
        help="two-person conversations"
        + (
            "; several: one run each, the rate compared with the first (100 10000 1000000)"
            if several
            else ""
        ),
    )
    parser.add_argument(
        "--accounts",
        type=whole_number(2),
        metavar="N",
        help="accounts the conversations are among (default: 2 per conversation)",
    )
    parser.add_argument(
        "--zipf",
        type=non_negative_number,
        default=1.0,
        metavar="S",
        help="Zipf exponent of the activity over conversations (0: uniform; default 1)",
    )


def populations_from(args: argparse.Namespace) -> list[Population]:
    counts = args.conversations if isinstance(args.conversations, list) else [args.conversations]
    try:
        return [Population(args.accounts or max(2, 2 * m), m, args.zipf) for m in counts]
    except ValueError as error:
        raise SystemExit(f"childsafe bench: {error}") from None


def non_negative_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0 and finite, got {text}")
    return value


def run(args: argparse.Namespace) -> int:
    say = human_print(args)
    populations = populations_from(args)
    results: dict[str, dict[str, Any]] = {}
    for population in populations:
        for name, database in throwaway_databases(args.postgres_url):
            with database as url:
                load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
                say(
                    f"{name}: {population.conversations} conversations among "
                    f"{population.accounts} accounts, {args.concurrency} connections, "
                    f"{args.seconds:g} s (machine load average before: {load}) ...",
                    flush=True,
                )
                figures = bench_backend(url, population, args)
                results.setdefault(name, {})[str(population.conversations)] = figures
    say()
    say(
        f"{'backend':<12}{'convs':>9}{'msgs/s':>9}{'vs first':>9}{'slowest 1 s':>13}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'server CPU ms/msg':>19}"
        f"{'screening MiB':>15}{'setup s':>9}"
    )
    for name, runs in results.items():
        first = next(iter(runs.values()))["msgs_per_s"]
        for conversations, r in runs.items():
            bad = r["messages"] - r["ok"]
            say(
                f"{name:<12}{conversations:>9}{r['msgs_per_s']:>9.0f}"
                f"{r['msgs_per_s'] / first if first else 0:>9.2f}{r['slowest_second_msgs']:>13}"
                f"{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{bad:>9}"
                f"{r['server_cpu_ms_per_msg']:>19.3f}{r['screening_peak_rss_mb']:>15.1f}"
                f"{r['setup_seconds']:>9.1f}"
            )
    say(
        f"load: {args.concurrency} keep-alive connections, {args.seconds:g} s per backend, "
        f"screening in a {args.screening}"
    )
    say(
        f"activity: Zipf exponent {args.zipf:g} over the conversations (the busiest gets "
        "the most messages); setup by bulk import"
    )
    for name, runs in results.items():
        for conversations, r in runs.items():
            if "held_events_at_webhook" in r:
                say(
                    f"{name}, {conversations} conversations: {r['held_events_at_webhook']} "
                    "message.held events reached the webhook receiver, which sleeps "
                    f"{args.webhook_sleep:g} s on each"
                )
    if args.json:
        keys = (
            "accounts",
            "conversations",
            "conversations_messaged",
            "msgs_per_s",
            "p99_ms",
            "p50_ms",
            "slowest_second_msgs",
            "messages",
            "ok",
            "server_cpu_ms_per_msg",
            "web_peak_rss_mb",
            "screening_peak_rss_mb",
            "setup_seconds",
            "accounts_per_s",
            "connections_per_s",
            "held_events_at_webhook",
        )
        print(
            json.dumps(
                {
                    name: {m: {k: r[k] for k in keys if k in r} for m, r in runs.items()}
                    for name, runs in results.items()
                }
            )
        )
    return 0
