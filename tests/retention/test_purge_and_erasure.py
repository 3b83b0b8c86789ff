"""Finding 10: retention purge, account erasure, and logs without SQL parameters."""

from __future__ import annotations

import io
import itertools
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import DBAPIError

from childsafe import audit
from childsafe.api.app import create_app
from childsafe.api.auth import create_api_key
from childsafe.cli.main import main
from childsafe.retention.schedule import PurgeSchedule
from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry
from childsafe.store.tables.hashbanks import StoredMedia
from childsafe.store.tables.service import (
    Account,
    Alert,
    Connection,
    ConversationState,
    StoredMessage,
)

# Part of the adversarial suite of issue 11: `pytest -m security` replays it.
pytestmark = pytest.mark.security

_ids = itertools.count()
LONG_AGO = datetime.now(UTC) - timedelta(days=40)


@contextmanager
def api_client(database: Database) -> Iterator[tuple[TestClient, str]]:
    with database.session() as session:
        issued = create_api_key(session, "retention-tests")
    with TestClient(
        create_app(database), headers={"Authorization": f"Bearer {issued.key}"}
    ) as client:
        yield client, issued.id


def register(client: TestClient, *accounts: tuple[str, str]) -> None:
    for account_id, band in accounts:
        response = client.put(
            f"/v1/accounts/{account_id}",
            json={"age_band": band, "display_name": account_id, "settings": {}},
        )
        assert response.status_code in (200, 201), response.text


def send(client: TestClient, sender: str, recipient: str, conversation: str, text: str) -> str:
    message_id = f"rm{next(_ids)}"
    response = client.post(
        "/v1/messages",
        json={
            "id": message_id,
            "conversation_id": conversation,
            "sender_id": sender,
            "recipient_ids": [recipient],
            "text": text,
            "sent_at": "2026-11-23T16:00:00Z",
        },
    )
    assert response.status_code == 200, response.text
    return message_id


def post_image(client: TestClient, sender: str, recipient: str, conversation: str) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "PNG")
    response = client.post(
        "/v1/media",
        data={"sender_id": sender, "recipient_ids": recipient, "conversation_id": conversation},
        files={"file": ("sky.png", buffer.getvalue(), "image/png")},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["media_id"])


def raise_alert(database: Database, conversation: str, suspect: str, victim: str) -> None:
    """An alert on the conversation, as the screener writes one (the detector is not under test)."""
    with database.session() as session:
        message_id = session.scalars(
            select(StoredMessage.id).where(StoredMessage.conversation_id == conversation)
        ).first()
        session.execute(
            insert(Alert).values(
                id=f"al{next(_ids)}",
                conversation_id=conversation,
                suspect_account_id=suspect,
                victim_account_ids=[victim],
                message_id=message_id,
                priority="P2",
                score=0.9,
                rules=["test"],
                cues=["secrecy"],
                reasons=[],
            )
        )


def age_everything(database: Database) -> None:
    with database.session() as session:
        session.execute(update(StoredMessage).values(received_at=LONG_AGO))
        session.execute(update(StoredMedia).values(received_at=LONG_AGO))
        session.execute(update(ConversationState).values(updated_at=LONG_AGO))


def conversations_of(database: Database, table: type) -> dict[str, int]:
    with database.session() as session:
        rows = session.execute(
            select(table.conversation_id, func.count()).group_by(table.conversation_id)
        ).all()
    return {conversation: count for conversation, count in rows}


def test_purge_deletes_old_unflagged_conversations_only(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with api_client(database) as (client, _):
        register(client, ("p_adult", "adult"), ("p_friend", "adult"), ("p_child", "13_15"))
        send(client, "p_adult", "p_friend", "quiet", "see you at practice")
        send(client, "p_friend", "p_adult", "quiet", "ok, bring the ball")
        post_image(client, "p_adult", "p_friend", "quiet")
        send(client, "p_adult", "p_child", "flagged", "don't tell your parents about us")
        post_image(client, "p_adult", "p_child", "flagged")
        raise_alert(database, "flagged", "p_adult", "p_child")
        age_everything(database)
        send(client, "p_friend", "p_adult", "quiet", "the newest message stays")

    url = ["--database-url", database.url]
    assert main(["purge", *url, "--dry-run"]) == 0
    assert "would delete 2 messages, 1 images" in capsys.readouterr().out
    assert conversations_of(database, StoredMessage) == {"quiet": 3, "flagged": 1}

    assert main(["purge", *url]) == 0
    assert "deleted 2 messages, 1 images" in capsys.readouterr().out
    assert conversations_of(database, StoredMessage) == {"quiet": 1, "flagged": 1}
    assert conversations_of(database, StoredMedia) == {"flagged": 1}
    assert main(["purge", *url]) == 0
    assert "deleted 0 messages, 0 images" in capsys.readouterr().out


def test_erasure_deletes_what_no_case_needs_and_says_what_it_kept(database: Database) -> None:
    with api_client(database) as (client, key_id):
        register(client, ("e_child", "13_15"), ("e_friend", "13_15"), ("e_suspect", "adult"))
        assert client.put("/v1/connections/e_child/e_friend").status_code in (200, 201)
        send(client, "e_child", "e_friend", "homework", "what page was the homework")
        send(client, "e_friend", "e_child", "homework", "page 42")
        post_image(client, "e_friend", "e_child", "homework")
        send(client, "e_suspect", "e_child", "grooming", "this stays between us ok")
        send(client, "e_child", "e_suspect", "grooming", "ok")
        raise_alert(database, "grooming", "e_suspect", "e_child")

        response = client.delete("/v1/accounts/e_child")
        assert response.status_code == 200, response.text
        erasure = response.json()
        assert erasure["account_deleted"] is False
        assert erasure["deleted"] == {
            "connections": 1,
            "messages": 2,
            "media": 1,
            "conversation_states": 1,
        }
        assert erasure["kept"] == {"messages": 2, "media": 0}
        assert any("alert" in reason for reason in erasure["kept_because"])
        with database.session() as session:
            child = session.get(Account, "e_child")
            assert child is not None and child.display_name is None and child.settings == {}
            assert session.scalar(select(func.count()).select_from(Connection)) == 0
            entry = session.get(AuditEntry, erasure["audit_seq"])
            assert entry is not None and entry.action == "account.erased"
            assert entry.actor == f"api:{key_id}"  # from the key, never from the request
            assert entry.details["kept_because"] == erasure["kept_because"]
            assert audit.verify_chain(session).ok
        assert conversations_of(database, StoredMessage) == {"grooming": 2}

        # Nothing names the friend any more: the account itself goes.
        response = client.delete("/v1/accounts/e_friend")
        assert response.status_code == 200 and response.json()["account_deleted"] is True
        assert client.get("/v1/accounts/e_friend").status_code == 404
        missing = client.delete("/v1/accounts/e_friend")
        assert missing.status_code == 404 and "unknown account" in missing.text


def test_database_errors_never_log_statement_parameters(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "my-secret-report-text-4417"
    with pytest.raises(DBAPIError) as raised, database.session() as session:
        session.execute(
            insert(StoredMessage).values(
                id="m1",
                conversation_id="c1",
                sequence=1,
                sender_id="nobody-registered",  # violates the foreign key
                recipient_ids=["x"],
                text=secret,
                sent_at=LONG_AGO,
                verdict="allow",
                response={},
            )
        )
        session.flush()
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("childsafe.api").error("database error", exc_info=raised.value)
    assert "database error" in caplog.text
    assert secret not in caplog.text and secret not in str(raised.value)


def test_the_server_purges_in_a_background_thread(database: Database) -> None:
    with database.session() as session:
        session.add(Account(id="s_a", age_band="adult", settings={}))
        session.flush()
        session.execute(
            insert(StoredMessage).values(
                id="s_m1",
                conversation_id="s_c",
                sequence=1,
                sender_id="s_a",
                recipient_ids=["s_b"],
                text="old and unflagged",
                sent_at=LONG_AGO,
                received_at=LONG_AGO,
                verdict="allow",
                response={},
            )
        )
    schedule = PurgeSchedule(database, every=timedelta(hours=24), window=timedelta(days=30))
    schedule.start()
    try:
        deadline = time.monotonic() + 10
        while conversations_of(database, StoredMessage) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert conversations_of(database, StoredMessage) == {}
    finally:
        schedule.close()
    assert not schedule._thread.is_alive()
