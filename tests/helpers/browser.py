"""The console in real headless Chromium, for the browser tests (not a test module): the app
served on a loopback port, Debian's Chromium launched with the flags a container needs, a watch
on what the console's Content Security Policy blocks, and the folder screenshots go to for a
person to look at. Each test module sets up its own data before serving it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn

from childsafe.api.app import create_app
from childsafe.store.db import Database

if TYPE_CHECKING:  # Playwright is imported only once a test knows it is installed
    from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_SECONDS = 20


def needs_chromium() -> None:
    """Skip the calling test unless Chromium and Playwright are installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian chromium at {CHROMIUM}")
    pytest.importorskip("playwright.sync_api")


def launch_chromium(playwright: Playwright) -> Browser:
    """Chromium, with the screenshot folder made ready."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def watch_csp(page: Page, blocked: list[str] | None = None) -> list[str]:
    """`blocked` (a new list unless given: one list can watch several pages), to which goes
    whatever the page's Content Security Policy blocks from now on. The console allows no
    inline script or style, so a test expects it to stay empty."""
    found = [] if blocked is None else blocked

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", note)
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(database: Database) -> Iterator[str]:
    """`database`'s app under uvicorn on a free loopback port, in a thread: yields its base URL
    once it accepts connections and stops it on leaving (the database stays the caller's)."""
    port = _free_port()
    config = uvicorn.Config(create_app(database), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_SECONDS
        while not server.started:
            # A server that died (the port taken meanwhile) will never start: say so now.
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail(f"the app did not start on port {port}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
