"""The console's own stylesheet and script, served from console/static/ (the CSP allows no
inline ones)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse

from childsafe.console.web import PREFIX, ConsolePageError, ConsoleRoute

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)

STATIC_DIR = Path(__file__).with_name("static")
STATIC_TYPES = {"console.css": "text/css", "console.js": "text/javascript"}


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    if name not in STATIC_TYPES:
        raise ConsolePageError(404, "There is no such file.")
    return FileResponse(
        STATIC_DIR / name, media_type=STATIC_TYPES[name], headers={"Cache-Control": "no-cache"}
    )
