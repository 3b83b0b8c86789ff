"""App lifespan: what starts with the server and must stop cleanly with it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    # The message screener (started on first use) drains its queue and commits before exit.
    screener = getattr(app.state, "screener", None)
    if screener is not None:
        screener.close()
