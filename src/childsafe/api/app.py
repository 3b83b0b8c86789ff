"""Application factory. Routers are listed in ROUTERS (module path, attribute name)."""

from __future__ import annotations

import importlib

from fastapi import FastAPI

# One line per resource router: ("childsafe.api.<module>", "router").
ROUTERS: list[tuple[str, str]] = [
]


def create_app() -> FastAPI:
    app = FastAPI(
        title="childsafe",
        version="0.1.0",
        description="Safeguarding engine for children's online chat: verdicts, alerts, reports.",
    )
    for module_path, attribute in ROUTERS:
        app.include_router(getattr(importlib.import_module(module_path), attribute))
    return app
