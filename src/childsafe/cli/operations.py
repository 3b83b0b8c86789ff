"""Options `serve` and `worker` share: structured logs and the operations port."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable

from childsafe.log_lines import JsonLines, escape_controls_in
from childsafe.runtime.operations import start_operations_server
from childsafe.store.db import Database


def add_operations_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-json", action="store_true", help="log one JSON object a line (for collectors)"
    )
    parser.add_argument(
        "--ops-port",
        type=int,
        metavar="PORT",
        help="serve /metrics (Prometheus), /healthz and /readyz on this port (default: off)",
    )
    parser.add_argument(
        "--ops-host",
        default="127.0.0.1",
        help="interface of the operations port (default 127.0.0.1: keep it off public networks)",
    )


def configure_logging(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    root = logging.getLogger()
    if args.log_json:
        for handler in root.handlers:
            handler.setFormatter(JsonLines())
    logging.getLogger("alembic").setLevel(logging.WARNING)
    escape_controls_in(root)


def start_operations(
    args: argparse.Namespace, database: Database, stream_ready: Callable[[], bool] | None
) -> None:
    if args.ops_port is not None:
        start_operations_server(args.ops_host, args.ops_port, database, stream_ready)
