"""Rescanning stored history with a model: conversations seeded through the real message path
(the API for the shipped model's history, the Screener with a more eager model for an older
history), rescanned, compared: new, same and no longer, and nothing written. (Every
conversation here is invented and mild, for tests only.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from childsafe.cli.main import main
from childsafe.policy import Policy
from childsafe.screening.rescan import Rescan, RescanFinding, tracker_for
from childsafe.store.db import Database
from childsafe.store.tables.service import Alert
from tests.helpers.api import GROOMING_LINES
from tests.helpers.rescan import (
    HOMEWORK,
    SINCE,
    UNTIL,
    by_author,
    rows,
    save_eager_model,
    seed_history,
)


@pytest.fixture
def eager_model(tmp_path: Path) -> Path:
    return save_eager_model(tmp_path)


@pytest.fixture
def history(database: Database, eager_model: Path) -> Database:
    return seed_history(database, eager_model)


def rescan(database: Database, model: Path | None) -> tuple[Rescan, list[RescanFinding]]:
    done = Rescan(database, tracker_for(model), Policy.default(), SINCE, UNTIL)
    return done, list(done.findings())


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
