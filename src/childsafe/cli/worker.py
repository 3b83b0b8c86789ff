"""`childsafe worker --nats URL --partitions 0-3|all`: screen messages from NATS JetStream."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal

from childsafe.cli.arguments import seconds, whole_number
from childsafe.cli.operations import add_operations_options, configure_logging, start_operations
from childsafe.policy import Policy
from childsafe.store.db import Database
from childsafe.streaming.events_out import EventsPublisher
from childsafe.streaming.layout import DEFAULT_PARTITIONS, StreamLayout
from childsafe.streaming.worker import (
    DEFAULT_ACK_WAIT_S,
    DEFAULT_LEASE_TTL_S,
    DEFAULT_MAX_FAILURES,
    Worker,
    WorkerOptions,
)

DEFAULT_NATS_URL = "nats://127.0.0.1:4222"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "worker", help="screen messages from the NATS JetStream stream, partitions leased"
    )
    parser.add_argument(
        "--nats",
        default=os.environ.get("NATS_URL", DEFAULT_NATS_URL),
        metavar="URL",
        help=f"NATS server (default NATS_URL or {DEFAULT_NATS_URL})",
    )
    parser.add_argument(
        "--partitions",
        type=partition_set,
        default=None,
        metavar="0-3|all",
        help="partitions this worker may take: a range, a comma list, or all (default)",
    )
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    parser.add_argument(
        "--screening",
        choices=("process", "thread"),
        default="thread",
        help="screen the held partitions in a thread of this process (default: one worker "
        "a core) or in one child process (a worker then uses two cores)",
    )
    parser.add_argument(
        "--lease-ttl",
        type=seconds(allow_zero=False),
        default=DEFAULT_LEASE_TTL_S,
        metavar="S",
        help="a dead worker's partitions are taken over after about this long "
        f"(default {DEFAULT_LEASE_TTL_S:g})",
    )
    parser.add_argument(
        "--ack-wait",
        type=seconds(allow_zero=False),
        default=DEFAULT_ACK_WAIT_S,
        metavar="S",
        help="redeliver a message (or a rescan chunk) not acknowledged within S seconds "
        f"(default {DEFAULT_ACK_WAIT_S:g}; used when a consumer is created)",
    )
    parser.add_argument(
        "--max-failures",
        type=whole_number(1),
        default=DEFAULT_MAX_FAILURES,
        metavar="N",
        help=f"dead-letter a message after N failed deliveries (default {DEFAULT_MAX_FAILURES})",
    )
    add_stream_options(parser)
    add_operations_options(parser)
    parser.set_defaults(func=run)


def add_stream_options(parser: argparse.ArgumentParser) -> None:
    """The stream's layout; every publisher, worker and bridge of a deployment must agree."""
    parser.add_argument(
        "--partition-count",
        type=whole_number(1),
        default=DEFAULT_PARTITIONS,
        metavar="N",
        help=f"partitions of the stream (default {DEFAULT_PARTITIONS})",
    )
    parser.add_argument(
        "--namespace",
        default=os.environ.get("CHILDSAFE_STREAM_NAMESPACE", ""),
        help="suffix of the stream's names and subjects, to run several deployments (or test "
        "runs) on one NATS server (default CHILDSAFE_STREAM_NAMESPACE or none)",
    )
    parser.add_argument(
        "--events-nats",
        metavar="NATS_URL",
        default=os.environ.get("CHILDSAFE_EVENTS_NATS") or None,
        help="also publish the events outbox to JetStream subjects <prefix>.events.<type> "
        "(stream CHILDSAFE_EVENTS; one publisher at a time across processes; default "
        "CHILDSAFE_EVENTS_NATS or off)",
    )


def stream_layout(args: argparse.Namespace) -> StreamLayout:
    return StreamLayout(namespace=args.namespace, partitions=args.partition_count)


def events_publisher(args: argparse.Namespace, database: Database) -> EventsPublisher | None:
    """The started events publisher when --events-nats is given."""
    if not args.events_nats:
        return None
    publisher = EventsPublisher(database, args.events_nats, stream_layout(args))
    publisher.start()
    return publisher


def partition_set(text: str) -> list[int] | None:
    """'all' (None), '2', '0-3' or '0,2,5'."""
    if text == "all":
        return None
    chosen: set[int] = set()
    try:
        for part in text.split(","):
            first, _, last = part.partition("-")
            chosen.update(range(int(first), int(last or first) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected all, 0-3 or 0,2; got {text!r}") from None
    if not chosen or min(chosen) < 0:
        raise argparse.ArgumentTypeError(f"expected partitions from 0 up, got {text!r}")
    return sorted(chosen)


def run(args: argparse.Namespace) -> int:
    configure_logging(args)
    layout = stream_layout(args)
    partitions = args.partitions or list(range(layout.partitions))
    if max(partitions) >= layout.partitions:
        raise SystemExit(f"--partitions: the stream has partitions 0-{layout.partitions - 1}")
    database = Database(args.database_url)
    database.migrate()
    worker = Worker(
        WorkerOptions(
            nats_url=args.nats,
            layout=layout,
            partitions=partitions,
            separate_processes=args.screening == "process",
            lease_ttl_s=args.lease_ttl,
            ack_wait_s=args.ack_wait,
            max_failures=args.max_failures,
        ),
        database,
        Policy.default(),
    )
    start_operations(args, database, lambda: worker.connected)
    publisher = events_publisher(args, database)
    # What start-up made (modules, tables, the policy) lives as long as the process: out of
    # the collector's way, a full collection no longer scans it (70 ms every second or so
    # under load, measured).
    gc.freeze()
    try:
        asyncio.run(_until_signalled(worker))
    finally:
        if publisher is not None:
            publisher.close()
        database.dispose()
    return 0


async def _until_signalled(worker: Worker) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await worker.run(stop)
