"""Application factory. Routers are listed in ROUTERS (module path, attribute name)."""

from __future__ import annotations

import importlib

from fastapi import FastAPI

from childsafe.api.errors import install_error_handlers
from childsafe.api.messages import MessagesFastPath
from childsafe.api.nul_guard import CheckRequestInput
from childsafe.api.rate_limits import RateLimit
from childsafe.runtime.lifespan import lifespan
from childsafe.runtime.rate_limits import rate_limits_of
from childsafe.store.db import Database

# One line per resource router: ("childsafe.api.<module>", "router").
ROUTERS: list[tuple[str, str]] = [
    ("childsafe.api.accounts", "router"),
    ("childsafe.api.connections", "router"),
    ("childsafe.api.messages", "router"),
    ("childsafe.api.alerts", "router"),
    ("childsafe.api.reports", "router"),
    ("childsafe.api.media", "router"),
    ("childsafe.api.spaces", "router"),
    ("childsafe.api.cases", "router"),
    ("childsafe.api.held_messages", "router"),
    ("childsafe.api.appeals", "router"),
    ("childsafe.api.events", "router"),
    ("childsafe.console.signin", "router"),
    ("childsafe.console.casework", "router"),
    ("childsafe.console.triage", "router"),
    ("childsafe.console.held_messages", "router"),
    ("childsafe.console.appeals", "router"),
    ("childsafe.console.downloads", "router"),
    ("childsafe.console.admin", "router"),
    ("childsafe.console.webhooks", "router"),
    ("childsafe.console.spaces", "router"),
    ("childsafe.console.assets", "router"),
    ("childsafe.console.report_page", "router"),
]


def create_app(database: Database | None = None) -> FastAPI:
    """The app owns one Database (app.state.database); pass one to share it (tests, bench)."""
    app = FastAPI(
        lifespan=lifespan,
        title="childsafe",
        version="0.1.0",
        description="Safeguarding engine for children's online chat: verdicts, alerts, reports.",
    )
    app.state.database = database or Database()
    install_error_handlers(app)
    for module_path, attribute in ROUTERS:
        app.include_router(getattr(importlib.import_module(module_path), attribute))
    app.add_middleware(MessagesFastPath)  # the hot route's plain case; see its docstring
    app.add_middleware(CheckRequestInput)  # the fast path sees only storable text
    app.add_middleware(RateLimit, limits=rate_limits_of(app))  # outside all: floods go unread
    return app
