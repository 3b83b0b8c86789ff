"""A worker screens what is published on the stream: the verdicts go out on their subject
and into the store once, duplicates change nothing, and a bad message never blocks its
partition. (Conversations below are invented and mild, for tests only.)"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import nats
import orjson
from sqlalchemy import func, select

from childsafe.policy import Policy
from childsafe.runtime.messages import screening_batcher
from childsafe.screening import IncomingMessage
from childsafe.store.db import Database
from childsafe.store.tables.service import Alert, StoredMessage
from childsafe.streaming.layout import StreamLayout, ensure_streams, partition_of
from childsafe.streaming.publisher import publish_message
from childsafe.streaming.wire import DELIVERIES, ERROR
from tests.helpers.api import START, grooming
from tests.streaming.conftest import add_accounts


async def _collect(nc: Any, subject: str, into: list[dict[str, Any]]) -> None:
    async def received(msg: Any) -> None:
        into.append({"subject": msg.subject, "headers": msg.headers, **orjson.loads(msg.data)})

    await nc.subscribe(subject, cb=received)


async def _wait_for(check: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def test_verdicts_out_and_stored_once(
    nats_url: str, layout: StreamLayout, database: Database, worker_thread: Any, tmp_path: Path
) -> None:
    add_accounts(database, 3)
    messages = grooming("chat.one", 0) + grooming("chat-two", 1)
    worker_thread()

    async def scenario() -> list[dict[str, Any]]:
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        await ensure_streams(js, layout)
        verdicts: list[dict[str, Any]] = []
        await _collect(nc, layout.all_verdicts, verdicts)
        for message in messages:
            await publish_message(js, layout, message)
        # The same publication again: JetStream drops it inside its duplicate window.
        again = await publish_message(js, layout, messages[0])
        assert again.duplicate
        # A retry under a new publication id reaches the worker: the stored answer comes back.
        await publish_message(js, layout, messages[1], publish_id="retry-1")
        await _wait_for(lambda: len(verdicts) >= len(messages) + 1)
        await nc.close()
        return verdicts

    verdicts = asyncio.run(scenario())
    by_id: dict[str, list[dict[str, Any]]] = {}
    for verdict in verdicts:
        by_id.setdefault(verdict["message_id"], []).append(verdict)
    assert set(by_id) == {m.id for m in messages}
    first, retried = by_id[messages[1].id]
    assert first == retried  # the same stored answer
    # '.' in a conversation id is escaped in its subject token.
    assert by_id["chat.one-m0"][0]["subject"] == f"{layout.prefix}.verdicts.chat%2Eone"
    last = by_id[messages[-1].id][0]
    assert last["verdict"] != "allow" and last["alert_id"], last
    assert last["reasons"] and all(reason["description"] for reason in last["reasons"])
    with database.session() as session:
        stored = dict(session.execute(select(StoredMessage.id, StoredMessage.response)).all())
        alerts = session.scalar(select(func.count()).select_from(Alert))
    assert len(stored) == len(messages)
    for message_id, [verdict, *_] in by_id.items():
        assert stored[message_id] == _answer_of(verdict)
    # The same messages through the plain path (serve's screener) on a database of their own.
    plain = Database(f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    plain.migrate()
    add_accounts(plain, 3)
    batcher = screening_batcher(plain, Policy.default(), False, None)
    try:
        for message in messages:
            assert _without_ids(batcher.screen(message)) == _without_ids(stored[message.id])
    finally:
        batcher.close()
        with plain.session() as session:
            assert session.scalar(select(func.count()).select_from(Alert)) == alerts > 0
        plain.dispose()


def _answer_of(verdict: dict[str, Any]) -> dict[str, Any]:
    envelope = ("subject", "headers", "message_id", "conversation_id")
    return {k: v for k, v in verdict.items() if k not in envelope}


def _without_ids(answer: Any) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "alert_id"} | {
        "alerted": bool(answer["alert_id"])
    }


def test_bad_messages_are_dead_lettered_without_blocking(
    nats_url: str, layout: StreamLayout, database: Database, worker_thread: Any
) -> None:
    add_accounts(database, 1)
    worker_thread(max_failures=2)
    ok = grooming("conv-ok", 0)[0]
    stranger = IncomingMessage(
        id="from-nobody",
        conversation_id="conv-ok",  # the same partition as the good message after it
        sender_id="nobody",
        recipient_ids=("u0b",),
        text="hi",
        sent_at=START,
    )
    partition = partition_of("conv-ok", layout.partitions)

    async def scenario() -> tuple[list[dict[str, Any]], list[Any]]:
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        await ensure_streams(js, layout)
        verdicts: list[dict[str, Any]] = []
        await _collect(nc, layout.all_verdicts, verdicts)
        dead = await js.subscribe(f"{layout.prefix}.dead.>", stream=layout.dead_stream)
        await js.publish(layout.inbound(partition), b"{not json", headers={"Nats-Msg-Id": "x1"})
        await js.publish(
            layout.inbound(partition), b'{"id": "m-no-text"}', headers={"Nats-Msg-Id": "x2"}
        )
        await publish_message(js, layout, stranger)
        await publish_message(js, layout, ok)
        await _wait_for(lambda: len(verdicts) == 1)
        letters = [await dead.next_msg(timeout=20) for _ in range(3)]
        await nc.close()
        return verdicts, letters

    verdicts, letters = asyncio.run(scenario())
    assert [v["message_id"] for v in verdicts] == [ok.id]
    errors = {letter.headers[ERROR]: letter for letter in letters}
    assert all(letter.subject == layout.dead(partition) for letter in letters)
    assert any(e.startswith("not a valid message: body: Invalid JSON") for e in errors)
    assert any("conversation_id: Field required" in e for e in errors)
    [unknown] = [letter for e, letter in errors.items() if "unknown account(s): nobody" in e]
    assert int(unknown.headers[DELIVERIES]) >= 2  # tried max_failures times first
    assert orjson.loads(unknown.data)["id"] == "from-nobody"  # the message, to replay
