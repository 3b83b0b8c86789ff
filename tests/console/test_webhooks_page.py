"""The console's webhooks page: administrators only; subscribe (secret shown once), send a
signed test to a real receiver, disable, see the delivery log, redeliver, remove; CSRF on
every form and every change in the audit log under the administrator's name."""

from __future__ import annotations

import re

import pytest

from childsafe.events import emit
from childsafe.events.delivery import fan_out, list_deliveries
from childsafe.store.db import Database
from tests.events.receiver import receiver
from tests.helpers.cases import make_users
from tests.helpers.console import audit_actions, csrf_of, sign_in

OPENED = {
    "case_id": "case-1",
    "suspect_id": "acct-1",
    "priority": "P2",
    "source": "report",
    "reasons": ["invented test reason"],
}


def test_only_administrators_reach_the_page(database: Database) -> None:
    make_users(database)
    for username in ("mod", "auditor"):
        client = sign_in(database, username)
        assert client.get("/console/webhooks").status_code == 403, username
        assert "/console/webhooks" not in client.get("/console/transparency").text
    admin = sign_in(database, "admin")
    assert admin.get("/console/webhooks").status_code == 200
    assert 'href="/console/webhooks"' in admin.get("/console/users").text


def test_an_admin_manages_a_webhook_and_every_step_is_audited(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_users(database)
    client = sign_in(database, "admin")
    token = csrf_of(client, "/console/webhooks")
    private = client.post(
        "/console/webhooks",
        data={"url": "http://127.0.0.1:9/x", "event_types": "case.opened", "csrf_token": token},
    )
    assert private.status_code == 400 and "private, loopback or reserved" in private.text
    forged = client.post("/console/webhooks", data={"url": "https://example.org/x"})
    assert forged.status_code == 403 and "CSRF" in forged.text

    monkeypatch.setenv("CHILDSAFE_WEBHOOK_ALLOW_PRIVATE", "1")
    with receiver() as hook:
        unknown = client.post(
            "/console/webhooks",
            data={"url": hook.url, "event_types": "case.vanished", "csrf_token": token},
        )
        assert unknown.status_code == 400 and "unknown event type" in unknown.text
        added = client.post(
            "/console/webhooks",
            data={"url": hook.url, "event_types": ["case.opened"], "csrf_token": token},
        )
        assert added.status_code == 200
        found = re.search(r"Subscribed (wh_\w+).*?<code>(whsec_[^<]+)</code>", added.text, re.S)
        assert found is not None
        subscription_id, hook.secret = found.groups()
        assert hook.secret not in client.get("/console/webhooks").text  # shown once

        def manage(action: str) -> str:
            response = client.post(
                "/console/webhooks/manage",
                data={"subscription_id": subscription_id, "action": action, "csrf_token": token},
            )
            assert response.status_code == 200, response.text
            return response.text

        assert "sent a test event: delivered" in manage("test").lower()
        [test] = hook.received
        assert test.verified and test.body is not None and test.body["type"] == "webhook.test"
        assert "disabled" in manage("disable")

        with database.session() as session:
            emit(session, "case.opened", OPENED)
        # A delivery in the log: queued while enabled, shown with its state.
        manage("enable")
        with database.session() as session:
            fan_out(session.connection())
            [queued] = list_deliveries(session)
        page = client.get("/console/webhooks?status=pending")
        assert queued.id in page.text and "case.opened" in page.text
        again = client.post(
            "/console/webhooks/redeliver", data={"delivery_id": queued.id, "csrf_token": token}
        )
        assert again.status_code == 200 and "Queued 1 delivery again" in again.text
        missing = client.post(
            "/console/webhooks/redeliver", data={"delivery_id": "dlv_nope", "csrf_token": token}
        )
        assert missing.status_code == 404
        assert "removed" in manage("remove")
        assert subscription_id not in client.get("/console/webhooks").text
    actions = audit_actions(database)
    audited = ("added", "tested", "disabled", "enabled", "redelivered", "removed")
    assert all(f"webhook.{action}" in actions for action in audited), actions
