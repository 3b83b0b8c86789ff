"""A NATS server killed and restarted on its file store loses nothing it acknowledged, and a
running worker reconnects and goes on. (A private nats-server, not the shared one; invented,
mild test messages.)"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import nats
import pytest
from sqlalchemy import func, select

from childsafe.screening import IncomingMessage
from childsafe.store.db import Database
from childsafe.store.tables.service import StoredMessage
from childsafe.streaming.layout import StreamLayout, ensure_streams
from childsafe.streaming.publisher import publish_message
from tests.streaming.conftest import WorkerThread, add_accounts

BATCH = 100


class NatsServer:
    def __init__(self, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = shutil.which("nats-server")
        assert binary is not None
        self.process = subprocess.Popen(
            [binary, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "nats-server did not start"
                time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()


@pytest.fixture
def private_nats(tmp_path: Path) -> Iterator[NatsServer]:
    if shutil.which("nats-server") is None:
        pytest.skip("needs the nats-server binary")
    server = NatsServer(tmp_path / "jetstream")
    server.start()
    yield server
    if server.process and server.process.poll() is None:
        server.kill()


def _messages(first: int) -> list[IncomingMessage]:
    start = datetime(2026, 11, 23, tzinfo=UTC)
    return [
        IncomingMessage(
            id=f"r{n}",
            conversation_id=f"restart-{n % 5}",
            sender_id="u0a",
            recipient_ids=("u0b",),
            text="see you at practice later",
            sent_at=start + timedelta(seconds=n),
        )
        for n in range(first, first + BATCH)
    ]


async def _publish(url: str, layout: StreamLayout, messages: list[IncomingMessage]) -> None:
    nc = await nats.connect(url)
    js = nc.jetstream()
    await ensure_streams(js, layout)
    for message in messages:
        await publish_message(js, layout, message)  # acknowledged: on the server's disk
    await nc.close()


def _stored(database: Database, expected: int, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while True:
        with database.session() as session:
            count = session.scalar(select(func.count()).select_from(StoredMessage)) or 0
        if count >= expected or time.monotonic() > deadline:
            return count
        time.sleep(0.1)


def test_restarted_server_loses_nothing_acknowledged(
    private_nats: NatsServer, database: Database, tmp_path: Path
) -> None:
    add_accounts(database, 1)
    layout = StreamLayout(namespace="restart")
    asyncio.run(_publish(private_nats.url, layout, _messages(0)))
    private_nats.kill()  # before any worker read them: only the server's file store has them
    private_nats.start()
    worker: Any = WorkerThread(private_nats.url, layout, database).start()
    try:
        assert _stored(database, BATCH) == BATCH
        # The running worker survives a second restart and screens what comes after it.
        private_nats.kill()
        private_nats.start()
        asyncio.run(_publish(private_nats.url, layout, _messages(BATCH)))
        assert _stored(database, 2 * BATCH) == 2 * BATCH
    finally:
        worker.stop()
