"""Rescanning stored history with a model: conversations seeded through the real message path
(the API for the shipped model's history, the Screener with a more eager model for an older
history), rescanned, compared: new, same and no longer, and nothing written. (Every
conversation here is invented and mild, for tests only.)"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from childsafe.cli.main import main
from childsafe.policy import Policy
from childsafe.screening import Batcher, IncomingMessage, Screener
from childsafe.screening.rescan import Rescan, RescanFinding, tracker_for
from childsafe.signals.grooming import MODEL_PATH, GroomingModel
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case
from childsafe.store.tables.events import OutboxEvent
from childsafe.store.tables.service import Alert, ConversationState, StoredMessage
from tests.helpers.api import GROOMING_LINES, api_client, register

START = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
SINCE, UNTIL = START, START + timedelta(days=1)
# An invented, ordinary chat between two 16-year-olds.
HOMEWORK = [
    "did you finish the maths homework",
    "yes it was easy, the last question took a while",
    "want to play football on saturday",
    "sure, see you at the park at ten",
]


def body(id: str, conversation: str, sender: str, recipient: str, text: str, n: int) -> dict:
    return {
        "id": id,
        "conversation_id": conversation,
        "sender_id": sender,
        "recipient_ids": [recipient],
        "text": text,
        "sent_at": (START + timedelta(minutes=n)).isoformat(),
    }


@pytest.fixture
def eager_model(tmp_path: Path) -> Path:
    """The shipped model with a threshold so low that any author alerts on a few messages:
    a stand-in for an older, noisier model."""
    model = GroomingModel.load(MODEL_PATH)
    model.meta["tracker"]["threshold_z"] = -6.0
    path = tmp_path / "eager.npz"
    model.save(path)
    return path


@pytest.fixture
def history(database: Database, eager_model: Path) -> Database:
    with api_client(database) as client:
        for account, band in (
            ("groomer", "adult"),
            ("kid", "under_13"),
            ("teen", "16_17"),
            ("friend", "16_17"),
            ("pal", "16_17"),
            ("mate", "16_17"),
        ):
            register(client, account, band)
        for pair in (("teen", "friend"), ("pal", "mate")):
            response = client.put(f"/v1/connections/{pair[0]}/{pair[1]}")
            assert response.status_code in (200, 201, 204), response.text
        sent = [body("g0", "conv-groom", "kid", "groomer", "hi who is this", 0)]
        sent += [
            body(f"g{n + 1}", "conv-groom", "groomer", "kid", line, n + 1)
            for n, line in enumerate(GROOMING_LINES)
        ]
        sent += [
            body(f"h{n}", "conv-homework", ("teen", "friend")[n % 2], ("friend", "teen")[n % 2],
                 line, n)
            for n, line in enumerate(HOMEWORK)
        ]  # fmt: skip
        # Before the period: stored, never replayed.
        early = body("early", "conv-homework", "teen", "friend", "morning", -60 * 24)
        for message in [early, *sent]:
            response = client.post("/v1/messages", json=message)
            assert response.status_code in (200, 201), response.text
    # An older history screened by the eager model (the Screener the message path runs).
    older = Batcher(Screener(database, Policy.default(), tracker_for(eager_model)))
    try:
        for n, line in enumerate(HOMEWORK):
            sender, recipient = ("pal", "mate") if n % 2 == 0 else ("mate", "pal")
            older.screen(
                IncomingMessage(
                    f"o{n}", "conv-older", sender, (recipient,), line, START + timedelta(minutes=n)
                )
            )
    finally:
        older.close()
    return database


def rows(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
            for table in (StoredMessage, Alert, Case, OutboxEvent, ConversationState)
        }


def rescan(database: Database, model: Path | None) -> tuple[Rescan, list[RescanFinding]]:
    done = Rescan(database, tracker_for(model), Policy.default(), SINCE, UNTIL)
    return done, list(done.findings())


def by_author(findings: list[RescanFinding]) -> dict[tuple[str, str], str]:
    return {(f.conversation_id, f.author_id): f.status for f in findings}


def test_the_shipped_model_finds_what_the_history_found_and_writes_nothing(
    history: Database,
) -> None:
    before = rows(history)
    done, findings = rescan(history, None)
    assert rows(history) == before
    assert by_author(findings) == {
        ("conv-groom", "groomer"): "same",
        ("conv-older", "mate"): "no longer",
        ("conv-older", "pal"): "no longer",
    }
    [groomer] = [f for f in findings if f.author_id == "groomer"]
    with history.session() as session:
        stored = session.execute(select(Alert.id, Alert.message_id)).all()
    assert groomer.stored_alert_id in {alert_id for alert_id, _ in stored}
    assert groomer.first_alert_at == groomer.stored_alert_at  # the same message
    assert groomer.reasons and groomer.reasons == groomer.stored_reasons
    assert done.messages == 1 + len(GROOMING_LINES) + 2 * len(HOMEWORK)  # not the early one
    assert (done.conversations, done.skipped) == (3, 0)
    assert done.counts == {"new": 0, "same": 1, "no longer": 2}


def test_an_eager_model_would_alert_more(history: Database, eager_model: Path) -> None:
    before = rows(history)
    done, findings = rescan(history, eager_model)
    assert rows(history) == before
    statuses = by_author(findings)
    assert statuses[("conv-groom", "groomer")] == "same"
    assert statuses[("conv-older", "pal")] == statuses[("conv-older", "mate")] == "same"
    assert statuses[("conv-homework", "teen")] == "new"
    new = [f for f in findings if f.status == "new"]
    assert all(f.first_alert_at and f.reasons and f.stored_alert_id is None for f in new)
    assert done.counts["no longer"] == 0


def test_the_command_reports_as_json(
    history: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["rescan", "--since", SINCE.isoformat(), "--until", "2026-11-24"]
    assert main([*arguments, "--json", "--database-url", db_url]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    done, findings = rescan(history, None)
    assert report["findings"] == [f.document() for f in findings]
    assert report["counts"] == done.counts and report["messages"] == done.messages
    assert "authors alerted" in captured.err
    with pytest.raises(SystemExit, match="cannot load the model"):
        main([*arguments, "--model", "/nonexistent.npz", "--database-url", db_url])
    with pytest.raises(SystemExit, match="must come after"):
        main(["rescan", "--since", "2026-11-24", "--until", "2026-11-23", "--database-url", db_url])
