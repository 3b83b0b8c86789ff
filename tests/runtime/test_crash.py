"""Acknowledged means committed: SIGKILL a real server mid-load, restart it, check the store."""

import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from childsafe.api.auth import create_api_key
from childsafe.bench.api import SERVE_COMMAND, wait_for_url
from childsafe.store.db import Database
from childsafe.store.tables.cases import CaseItem
from childsafe.store.tables.service import (
    Alert,
    ConversationState,
    PendingCaseIntake,
    StoredMessage,
)

SENDERS = 6


def start_server(db_url: str, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [*SERVE_COMMAND, "--port", "0", "--database-url", db_url],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return process, wait_for_url(process, log_path)


def test_every_acknowledged_message_survives_sigkill_once(db_url: str, tmp_path: Path) -> None:
    database = Database(db_url)
    database.migrate()
    with database.session() as session:
        key = create_api_key(session, "crash").key
    headers = {"Authorization": f"Bearer {key}"}
    server, base = start_server(db_url, tmp_path / "first.log")
    acked: dict[str, Any] = {}
    attempted: list[dict[str, Any]] = []
    stop = threading.Event()
    try:
        with httpx.Client(base_url=base, headers=headers) as client:
            for i in range(SENDERS):
                for account, band in ((f"s{i}", "adult"), (f"r{i}", "13_15")):
                    client.put(f"/v1/accounts/{account}", json={"age_band": band})
                client.put(f"/v1/connections/s{i}/r{i}")

        def send(worker: int) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=5) as client:
                for n in range(100_000):
                    if stop.is_set():
                        return
                    body = {
                        "id": f"w{worker}-{n}",
                        "conversation_id": f"conv{worker}",
                        "sender_id": f"s{worker}",
                        "recipient_ids": [f"r{worker}"],
                        "text": "do you have snapchat? we can talk there"
                        if n % 5 == 0
                        else f"hello {n}",
                        "sent_at": "2026-11-23T16:00:00Z",
                    }
                    attempted.append(body)
                    try:
                        response = client.post("/v1/messages", json=body)
                    except httpx.TransportError:
                        return  # the server died under us: this one's fate is unknown
                    if response.is_success:
                        acked[body["id"]] = response.json()

        threads = [threading.Thread(target=send, args=(w,)) for w in range(SENDERS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while len(acked) < 150 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert len(acked) >= 150

    with database.session() as session:
        stored = {m.id: m.response for m in session.scalars(select(StoredMessage))}
    missing = sorted(set(acked) - set(stored))
    assert not missing, f"acknowledged but lost: {missing[:10]}"
    assert all(stored[i] == answer for i, answer in acked.items())

    # Restart and retry everything that was attempted: answers for acknowledged ids are
    # replayed unchanged, nothing is stored twice, and each conversation's detector state
    # accounts for exactly the messages stored.
    server, base = start_server(db_url, tmp_path / "second.log")
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
            for body in attempted:
                response = client.post("/v1/messages", json=body)
                assert response.status_code == 200, response.text
                if body["id"] in acked:
                    assert response.json() == acked[body["id"]]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(StoredMessage))
        per_conversation = dict(
            session.execute(
                select(StoredMessage.conversation_id, func.count()).group_by(
                    StoredMessage.conversation_id
                )
            ).all()
        )
        states = {
            s.conversation_id: s.message_count for s in session.scalars(select(ConversationState))
        }
        # Every alert reached its case: intakes queued by the killed server (PostgreSQL
        # defers them) were run by the next one.
        alerts = set(session.scalars(select(Alert.id)))
        cased = set(session.scalars(select(CaseItem.source_id).where(CaseItem.source == "alert")))
        pending = session.scalar(select(func.count()).select_from(PendingCaseIntake))
    assert count == len({body["id"] for body in attempted})
    assert states == per_conversation
    assert alerts and cased == alerts
    assert pending == 0
    database.dispose()
