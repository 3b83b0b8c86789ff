"""`childsafe serve`: the HTTP API (FastAPI on uvicorn), migrating the database first."""

from __future__ import annotations

import argparse
import copy
import logging
import sys
from datetime import timedelta
from typing import Any

import uvicorn
import uvicorn.config

from childsafe.api.app import create_app
from childsafe.cli.arguments import whole_number
from childsafe.cli.operations import add_operations_options, configure_logging, start_operations
from childsafe.cli.worker import add_stream_options, events_publisher, stream_layout
from childsafe.events.delivery import DeliveryPolicy
from childsafe.log_lines import escape_controls_in
from childsafe.runtime.messages import use_message_path
from childsafe.runtime.settings import (
    SCREENING_MODES,
    configure_purge,
    configure_screening,
    configure_webhooks,
)
from childsafe.store.db import Database
from childsafe.streaming.bridge import StreamBridge

SWITCH_INTERVAL_S = 0.0005


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP API (SQLite by default, PostgreSQL when DATABASE_URL is set)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=8000, help="TCP port (0 picks a free one)")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every request (time, client, method, path, status) at INFO on stdout",
    )
    parser.add_argument(
        "--purge-every",
        type=whole_number(0),
        default=24,
        metavar="HOURS",
        help="run the retention purge (see `childsafe purge`) at start and every HOURS "
        "(default 24; 0 turns it off)",
    )
    add_screening_options(parser)
    parser.add_argument(
        "--stream",
        metavar="NATS_URL",
        help="screen on the NATS JetStream workers (`childsafe worker`): POST /v1/messages "
        "publishes to the stream and awaits the verdict",
    )
    add_stream_options(parser)
    add_operations_options(parser)
    parser.set_defaults(func=run)


def add_screening_options(parser: argparse.ArgumentParser) -> None:
    """How `childsafe serve` screens messages (`bench api` takes the same, to pass on)."""
    parser.add_argument(
        "--screening",
        choices=SCREENING_MODES,
        default="process",
        help="screen messages in child processes (uses a second core; default) or a thread",
    )
    parser.add_argument(
        "--screening-processes",
        type=whole_number(1),
        metavar="N",
        default=1,
        help="screening processes, conversations spread over them (default 1: on two cores "
        "one process with a pipelined pipe was as fast and cheaper; SQLite has one writer at "
        "a time anyway)",
    )


def run(args: argparse.Namespace) -> int:
    configure_logging(args)
    # The event loop and the batcher thread share the GIL. With the default 5 ms switch
    # interval, a thread waking from a pipe or database wait can wait up to 5 ms for the
    # loop to let go; a shorter interval keeps that hand-over quick.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    database = Database(args.database_url)
    database.migrate()
    app = create_app(database)
    configure_screening(app.state, args.screening, args.screening_processes)
    configure_purge(app.state, timedelta(hours=args.purge_every) if args.purge_every else None)
    configure_webhooks(app.state, DeliveryPolicy.from_environment())
    bridge = StreamBridge(args.stream, stream_layout(args)) if args.stream else None
    if bridge is not None:
        use_message_path(app.state, bridge)
    start_operations(args, database, (lambda: bridge.connected) if bridge else None)

    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        # One process: the message screener keeps each conversation's detector state in memory
        # and is its only writer (see childsafe.screening).
        workers=1,
        access_log=args.access_log,
        log_config=_uvicorn_logging(),
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    if args.access_log:
        # log_level quiets uvicorn's own INFO lines, and its access lines with them.
        logging.getLogger("uvicorn.access").setLevel(logging.INFO)
    escape_controls_in(logging.getLogger("uvicorn"), logging.getLogger("uvicorn.access"))
    server = uvicorn.Server(config)
    _announce_url_when_listening(server, database)
    if bridge is not None:
        _connect_on_startup(server, bridge)
    publisher = events_publisher(args, database)
    try:
        server.run()
    finally:
        if publisher is not None:
            publisher.close()
        database.dispose()
    return 0


def _uvicorn_logging() -> dict[str, Any]:
    """uvicorn's logging, with the time on each access line."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["access"]["fmt"] = (
        '%(asctime)s %(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s'
    )
    return config


def _announce_url_when_listening(server: uvicorn.Server, database: Database) -> None:
    """Print the real URL (the port may have been 0) once the socket is bound."""
    startup = server.startup

    async def startup_then_announce(sockets: list | None = None) -> None:
        await startup(sockets=sockets)
        for listener in server.servers:
            for sock in listener.sockets:
                host, port = sock.getsockname()[:2]
                shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
                print(f"childsafe API on http://{shown}:{port}  (docs: http://{shown}:{port}/docs)")
        print(f"database: {database.engine.url.render_as_string(hide_password=True)}", flush=True)

    server.startup = startup_then_announce  # type: ignore[method-assign]


def _connect_on_startup(server: uvicorn.Server, bridge: StreamBridge) -> None:
    """Connect to NATS before the first request (and so before /readyz says ready)."""
    startup = server.startup

    async def connect_then_start(sockets: list | None = None) -> None:
        await bridge.connect()
        await startup(sockets=sockets)

    server.startup = connect_then_start  # type: ignore[method-assign]
