"""The operations endpoints, on a port of their own (never the API's): GET /metrics
(Prometheus text), /healthz (the process answers) and /readyz (the database answers and,
where there is one, the NATS connection is up). They carry counts only, no message content,
so the port needs no key; keep it off the public network (bind 127.0.0.1, the default, or a
cluster-internal address)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import uvicorn
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from childsafe.runtime.metrics import exposition, observe_outbox
from childsafe.store.db import Database


def operations_app(database: Database, stream_ready: Callable[[], bool] | None) -> Starlette:
    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    def readyz(_: Request) -> JSONResponse:  # sync: starlette runs it in a thread
        checks = {"database": _database_answers(database)}
        if stream_ready is not None:
            checks["nats"] = stream_ready()
        ready = all(checks.values())
        return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)

    def metrics(_: Request) -> Response:  # sync: starlette runs it in a thread
        with contextlib.suppress(SQLAlchemyError):  # the database away: /readyz says so
            observe_outbox(database)
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
        ]
    )


def start_operations_server(
    host: str, port: int, database: Database, stream_ready: Callable[[], bool] | None
) -> uvicorn.Server:
    """Serve the operations endpoints from a daemon thread (its own event loop)."""
    server = uvicorn.Server(
        uvicorn.Config(
            operations_app(database, stream_ready),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
    )
    threading.Thread(target=server.run, name="childsafe-operations", daemon=True).start()
    return server


def _database_answers(database: Database) -> bool:
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True
