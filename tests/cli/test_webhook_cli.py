"""`childsafe webhook`: add (secret once), list, test against a real receiver, the delivery
log, redeliver, remove; --json prints pure JSON; refusals are clear and change nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from childsafe.cli.main import main
from childsafe.events import emit
from childsafe.events.delivery import DeliveryPolicy, Outcome, claim_due, fan_out, record_outcome
from childsafe.store.db import Database
from tests.events.receiver import receiver

OPENED = {
    "case_id": "case-1",
    "suspect_id": "acct-1",
    "priority": "P2",
    "source": "report",
    "reasons": ["invented test reason"],
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["webhook", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_webhook_commands_from_add_to_remove(
    database: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = ["--database-url", database.url]
    code, _, err = run(capsys, "add", "http://127.0.0.1:9/x", "--events", "case.opened", *url)
    assert code == 1 and "private, loopback or reserved" in err
    monkeypatch.setenv("CHILDSAFE_WEBHOOK_ALLOW_PRIVATE", "1")
    code, _, err = run(capsys, "add", "http://127.0.0.1:9/x", "--events", "case.nope", *url)
    assert code == 1 and "unknown event type" in err
    assert json.loads(run(capsys, "list", "--json", *url)[1]) == []

    with receiver() as hook:
        code, out, _ = run(capsys, "add", hook.url, "--events", "*", "--json", *url)
        added = json.loads(out)
        assert code == 0 and added["secret"].startswith("whsec_") and added["event_types"] == ["*"]
        hook.secret = added["secret"]
        [listed] = json.loads(run(capsys, "list", "--json", *url)[1])
        assert listed["id"] == added["id"] and "secret" not in listed

        code, out, _ = run(capsys, "test", added["id"], "--json", *url)
        assert code == 0 and json.loads(out)["delivered"] is True
        assert hook.received[0].verified

        with database.session() as session:
            emit(session, "case.opened", OPENED)
            fan_out(session.connection())
        policy = DeliveryPolicy(max_age=timedelta(0))
        [claim] = claim_due(database, DeliveryPolicy(), limit=1)
        record_outcome(database, claim, Outcome(False, 500, "HTTP 500"), policy)
        [dead] = json.loads(run(capsys, "deliveries", "--status", "dead", "--json", *url)[1])
        assert dead["attempts"] == 1 and "HTTP 500" in dead["last_error"]
        code, out, _ = run(capsys, "redeliver", "--dead", *url)
        assert code == 0 and "queued 1 delivery again" in out
        assert json.loads(run(capsys, "deliveries", "--status", "dead", "--json", *url)[1]) == []
        code, _, err = run(capsys, "redeliver", "dlv_missing", *url)
        assert code == 1 and "no webhook delivery" in err

    code, out, _ = run(capsys, "remove", added["id"], *url)
    assert code == 0 and f"removed {added['id']}" in out
    assert run(capsys, "remove", added["id"], *url)[0] == 1
