"""`childsafe bench stream [--workers K] [--conversations M ...] [--json]`: end-to-end
messages/s and p50/p99 through NATS JetStream workers, 1 to K workers side by side, with the
scaling efficiency; for several numbers of conversations, each rate against the first's."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from childsafe.bench.databases import add_postgres_option, postgres_database
from childsafe.bench.population import Population, populate
from childsafe.bench.stream import StreamBench, bench_workers
from childsafe.cli.arguments import seconds, whole_number
from childsafe.cli.bench_api import add_population_options, populations_from
from childsafe.cli.worker import DEFAULT_NATS_URL
from childsafe.store.db import Database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stream", help="publish -> verdict stored through NATS JetStream workers, 1..K workers"
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON line of results")
    parser.add_argument(
        "--workers", type=whole_number(1), default=2, help="measure 1 up to this many workers"
    )
    parser.add_argument(
        "--nats", default=os.environ.get("NATS_URL", DEFAULT_NATS_URL), metavar="URL"
    )
    parser.add_argument("--partition-count", type=whole_number(1), default=4, metavar="N")
    parser.add_argument(
        "--seconds", type=seconds(allow_zero=False), default=10.0, help="measured seconds per run"
    )
    parser.add_argument(
        "--warmup", type=seconds(allow_zero=True), default=3.0, help="unmeasured seconds first"
    )
    parser.add_argument(
        "--in-flight",
        type=whole_number(1),
        default=512,
        help="messages published and not yet answered, at most",
    )
    add_population_options(parser, several=True)
    parser.add_argument(
        "--screening",
        choices=("process", "thread"),
        default="thread",
        help="passed on to each worker (default thread, the worker's default)",
    )
    add_postgres_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.postgres_url or "postgres" not in args.postgres_url:
        raise SystemExit("bench stream needs PostgreSQL: set DATABASE_URL or --postgres-url")
    results: list[dict[str, Any]] = []
    for population in populations_from(args):
        results += _runs(args, population)
    first_rates = {r["workers"]: r["msgs_per_s"] for r in results[: args.workers]}
    for result in results:
        result["rate_vs_first"] = round(
            result["msgs_per_s"] / (first_rates[result["workers"]] or 1), 2
        )
    print()
    print(
        f"{'convs':>9}{'workers':>8}{'msgs/s':>9}{'vs first':>9}{'slowest 1 s':>13}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'efficiency':>12}"
        f"{'worker CPU ms/msg':>19}{'worker MiB':>12}"
    )
    for r in results:
        print(
            f"{r['conversations']:>9}{r['workers']:>8}{r['msgs_per_s']:>9}"
            f"{r['rate_vs_first']:>9.2f}{r['slowest_second_msgs']:>13}"
            f"{r['p50_ms']:>9}{r['p99_ms']:>9}{r['max_ms']:>9}{r['scaling_efficiency']:>12}"
            f"{r['worker_cpu_ms_per_msg']:>19}{r['worker_peak_rss_mb']:>12}"
        )
    print(
        f"PostgreSQL, {args.partition_count} partitions, Zipf exponent {args.zipf:g} over "
        f"the conversations, {args.in_flight} in flight, {os.cpu_count()} cores shared by "
        "workers, database, NATS and this publisher; vs first: the rate against the same "
        "number of workers' at the first number of conversations"
    )
    if args.json:
        print(json.dumps({"workers": results}))
    return 0


def _runs(args: argparse.Namespace, population: Population) -> list[dict[str, Any]]:
    """1 to args.workers workers on a throwaway database holding this population."""
    runs = []
    with postgres_database(args.postgres_url) as url:
        database = Database(url)
        database.migrate()
        setup = populate(database, population)
        database.dispose()
        print(
            f"{population.conversations} conversations among {population.accounts} accounts "
            f"bulk-imported ({setup['accounts_per_s']} accounts/s, "
            f"{setup['connections_per_s']} connections/s)",
            flush=True,
        )
        for workers in range(1, args.workers + 1):
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            print(
                f"{workers} worker(s), {args.seconds:g} s (load average before: {load}) ...",
                flush=True,
            )
            figures = bench_workers(
                StreamBench(
                    nats_url=args.nats,
                    database_url=url,
                    workers=workers,
                    partitions=args.partition_count,
                    seconds=args.seconds,
                    warmup_seconds=args.warmup,
                    in_flight=args.in_flight,
                    population=population,
                    screening=args.screening,
                )
            )
            runs.append({"conversations": population.conversations, **figures})
    single = runs[0]["msgs_per_s"] or 1
    for result in runs:
        result["scaling_efficiency"] = round(result["msgs_per_s"] / (result["workers"] * single), 2)
    return runs
