"""A real webhook receiver for tests: an HTTP server on 127.0.0.1 in a thread that checks each
request's signature with the standardwebhooks library, as a platform would."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook


@dataclass
class Received:
    webhook_id: str
    verified: bool
    body: dict[str, Any] | None


@dataclass
class Receiver:
    url: str
    secret: str = ""  # set once the subscription exists
    # Status codes to answer, in turn; 204 once they run out.
    answers: list[int] = field(default_factory=list)
    # When given, each request hangs until this is set (a receiver that does not answer).
    released: threading.Event | None = None
    received: list[Received] = field(default_factory=list)
    arrived: int = 0  # requests that came in (counted before a hanging one waits)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        try:
            document = Webhook(self.secret).verify(body, headers)
            verified = True
        except Exception:
            document, verified = None, False
        with self.lock:
            self.arrived += 1
        if self.released is not None:
            self.released.wait(30)
        with self.lock:
            self.received.append(Received(headers.get("webhook-id", ""), verified, document))
            return self.answers.pop(0) if self.answers else 204

    def wait_arrived(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.arrived:
            assert time.monotonic() < deadline, "no delivery arrived"
            time.sleep(0.02)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        raise AssertionError(f"received {len(self.received)} of {count} deliveries")


@contextmanager
def receiver() -> Iterator[Receiver]:
    target: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            status = target[0].handle(body, {k.lower(): v for k, v in self.headers.items()})
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    target.append(Receiver(f"http://127.0.0.1:{server.server_port}/hooks"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield target[0]
    finally:
        if target[0].released is not None:
            target[0].released.set()
        server.shutdown()
        server.server_close()
