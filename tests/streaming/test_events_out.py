"""The events outbox on the real NATS JetStream: a moderator's decision arrives on
`<prefix>.events.case.decided` under the id the pull feed shows, and publishers that restart,
crash between the acknowledgement and saving their place, or run side by side neither lose
nor repeat an event. (Conversations and reasons are invented and mild, for tests only.)"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import nats
import orjson
from fastapi.testclient import TestClient
from nats.js.errors import NotFoundError
from sqlalchemy import select, update

from childsafe.api.app import create_app
from childsafe.api.auth import KeyScope, create_api_key
from childsafe.cli import serve, worker
from childsafe.cli.worker import events_publisher, stream_layout
from childsafe.events import emit
from childsafe.events.cursors import CURSORS
from childsafe.store.db import Database
from childsafe.store.tables.events import OutboxEvent
from childsafe.streaming.events_out import EventsPublisher
from childsafe.streaming.layout import StreamLayout
from tests.helpers.cases import api_client, open_cases, scenario
from tests.helpers.events import case_opened


def stored_events(nats_url: str, layout: StreamLayout) -> list[dict[str, Any]]:
    """Every message of the events stream, in stream order, with its subject and headers."""

    async def read() -> list[dict[str, Any]]:
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        try:
            info = await js.stream_info(layout.events_stream)
        except NotFoundError:
            await nc.close()
            return []
        found = []
        first = info.state.first_seq if info.state.messages else info.state.last_seq + 1
        for seq in range(first, info.state.last_seq + 1):
            msg = await js.get_msg(layout.events_stream, seq)
            found.append(
                {"subject": msg.subject, "msg_id": (msg.headers or {}).get("Nats-Msg-Id")}
                | orjson.loads(msg.data or b"{}")
            )
        await nc.close()
        return found

    return asyncio.run(read())


def outbox_ids(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(OutboxEvent.id).order_by(OutboxEvent.seq)))


def wait_until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@contextmanager
def publishing(database: Database, nats_url: str, layout: StreamLayout) -> Iterator[None]:
    publisher = EventsPublisher(database, nats_url, layout, poll_every_s=0.05)
    publisher.start()
    try:
        yield
    finally:
        publisher.close()


def caught_up(database: Database, nats_url: str, layout: StreamLayout) -> Callable[[], bool]:
    return lambda: [e["id"] for e in stored_events(nats_url, layout)] == outbox_ids(database)


def test_a_decision_reaches_nats_under_the_feeds_id(
    nats_url: str, layout: StreamLayout, database: Database
) -> None:
    with api_client(database) as client:
        scenario(client)
    case_id = open_cases(database)[0].id
    with database.session() as session:
        moderation = create_api_key(session, "platform tools", (KeyScope.MODERATION,)).key
    with publishing(database, nats_url, layout):
        with TestClient(
            create_app(database), headers={"Authorization": f"Bearer {moderation}"}
        ) as tools:
            decided = tools.post(
                f"/v1/cases/{case_id}/decisions",
                json={"decision": "warn", "reason": "invented test reason"},
            )
            assert decided.status_code in (200, 201), decided.text
            feed = tools.get("/v1/events", params={"types": "case.decided"}).json()["events"]
        wait_until(caught_up(database, nats_url, layout))
    [in_feed] = feed
    on_nats = [e for e in stored_events(nats_url, layout) if e["type"] == "case.decided"]
    assert on_nats == [
        {
            "subject": f"{layout.prefix}.events.case.decided",
            "msg_id": in_feed["id"],
            **in_feed,
        }
    ]
    assert in_feed["data"]["case_id"] == case_id
    # The message path's and intake's events went out too, each under its own subject.
    subjects = {e["subject"] for e in stored_events(nats_url, layout)}
    assert {f"{layout.prefix}.events.alert.raised", f"{layout.prefix}.events.case.opened"} <= (
        subjects
    )


def test_restarts_and_a_crash_before_saving_the_cursor_lose_and_repeat_nothing(
    nats_url: str, layout: StreamLayout, database: Database
) -> None:
    def emit_cases(numbers: range) -> None:
        with database.session() as session:
            for n in numbers:
                emit(session, "case.opened", case_opened(n))

    emit_cases(range(0, 30))
    with publishing(database, nats_url, layout):
        wait_until(caught_up(database, nats_url, layout))
    # Stopped: what happens meanwhile waits in the outbox for the next start.
    emit_cases(range(30, 45))
    assert len(stored_events(nats_url, layout)) == 30
    # As if a publisher died after NATS acknowledged its page and before its commit: the
    # cursor was never moved, so everything is published again under the same ids.
    with database.session() as session:
        session.execute(update(CURSORS).values(seq=0).where(CURSORS.c.name.like("nats:%")))
    # ...by two publishers at once: one holds the cursor, the other skips its rounds.
    with publishing(database, nats_url, layout), publishing(database, nats_url, layout):
        emit_cases(range(45, 60))
        wait_until(caught_up(database, nats_url, layout))
        time.sleep(0.3)  # a few more rounds: nothing more may arrive
    on_nats = stored_events(nats_url, layout)
    assert [e["id"] for e in on_nats] == outbox_ids(database)
    assert len(on_nats) == 60 == len({e["id"] for e in on_nats})
    assert all(e["msg_id"] == e["id"] for e in on_nats)
    assert [e["data"]["case_id"] for e in on_nats] == [f"case-{n}" for n in range(60)]


def test_a_publisher_without_nats_stops_cleanly_and_saves_nothing(
    database: Database, layout: StreamLayout
) -> None:
    with database.session() as session:
        emit(session, "case.opened", case_opened(1))
    publisher = EventsPublisher(database, "nats://127.0.0.1:1", layout)
    publisher.start()
    time.sleep(0.3)
    assert not publisher.connected
    started = time.monotonic()
    publisher.close()
    assert time.monotonic() - started < 5
    with database.session() as session:
        assert session.scalar(select(CURSORS.c.seq).where(CURSORS.c.name.like("nats:%"))) is None


def test_serve_and_worker_take_events_nats(
    nats_url: str, layout: StreamLayout, database: Database
) -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers()
    serve.register(commands)
    worker.register(commands)
    for command in ("serve", "worker"):
        assert events_publisher(parser.parse_args([command]), database) is None
    args = parser.parse_args(["worker", "--events-nats", nats_url, "--namespace", layout.namespace])
    assert stream_layout(args) == layout
    with database.session() as session:
        emit(session, "case.opened", case_opened(7))
    publisher = events_publisher(args, database)
    assert publisher is not None
    try:
        wait_until(caught_up(database, nats_url, layout))
    finally:
        publisher.close()
    [event] = stored_events(nats_url, layout)
    assert event["subject"] == f"{layout.prefix}.events.case.opened"
