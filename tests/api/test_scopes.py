"""Findings 1 and 9: API keys carry scopes, every /v1 route needs one, and the audit log names
the calling key, never a name taken from the request body."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import numpy as np
import pytest
from alembic import command
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select, text

from childsafe.api.app import create_app
from childsafe.api.auth import IssuedKey, KeyScope, create_api_key, revoke_api_key
from childsafe.cli.main import main
from childsafe.hashbanks.banks import add_entries, create_bank
from childsafe.hashbanks.importers import ImportedHash
from childsafe.hashbanks.signal_types import HashKind
from childsafe.media import MediaScreener
from childsafe.policy import Policy
from childsafe.signals.image_hash import hash_image
from childsafe.store.db import Database
from childsafe.store.migrate import alembic_config
from childsafe.store.tables.cases import AuditEntry
from childsafe.store.tables.hashbanks import HashMatch
from childsafe.store.tables.service import ApiKey

# Part of the adversarial suite of issue 11: `pytest -m security` replays it.
pytestmark = pytest.mark.security

INGEST, MODERATION, ADMIN = KeyScope.INGEST, KeyScope.MODERATION, KeyScope.ADMIN


def known_image() -> bytes:
    """A fixed noise picture standing in for a known-abuse image (it is nothing of the sort)."""
    pixels = np.random.default_rng(7).integers(0, 256, (96, 96, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def key(database: Database, *scopes: KeyScope) -> IssuedKey:
    with database.session() as session:
        return create_api_key(session, "platform", scopes)


def auth(issued: IssuedKey) -> dict[str, str]:
    return {"Authorization": f"Bearer {issued.key}"}


def message_of(response_json: dict[str, object]) -> str:
    error = response_json["error"]
    assert isinstance(error, dict)
    return str(error["message"])


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    with database.session() as session:
        bank = create_bank(session, name="known", source="test stand-in (random noise)")
        pdq = hash_image(known_image()).pdq
        add_entries(session, bank, [ImportedHash(HashKind.PDQ, pdq, "stand-in")])
    app = create_app(database)
    app.state.media_screener = MediaScreener(database, Policy.default(), None)
    with TestClient(app) as test_client:
        platform = auth(key(database, INGEST))
        for account, band in (("sender", "adult"), ("friend", "adult"), ("kid", "13_15")):
            response = test_client.put(
                f"/v1/accounts/{account}", json={"age_band": band}, headers=platform
            )
            assert response.status_code == 201, response.text
        yield test_client


def upload(client: TestClient, ingest: IssuedKey, media_id: str) -> dict[str, object]:
    response = client.post(
        "/v1/media",
        data={"sender_id": "sender", "recipient_ids": "friend", "conversation_id": "c1"}
        | {"media_id": media_id},
        files={"file": ("image.png", known_image())},
        headers=auth(ingest),
    )
    assert response.status_code == 200, response.text
    answer: dict[str, object] = response.json()
    return answer


def match_id_of(answer: dict[str, object]) -> str:
    assert answer["verdict"] == "block"
    matches = answer["hash_matches"]
    assert isinstance(matches, list) and matches
    return str(matches[0]["match_id"])


def test_ingest_key_cannot_reject_a_match_and_the_image_still_matches(
    client: TestClient, database: Database
) -> None:
    ingest = key(database, INGEST)
    match_id = match_id_of(upload(client, ingest, "m1"))
    refused = client.post(
        f"/v1/media/matches/{match_id}/feedback",
        json={"decision": "reject"},
        headers=auth(ingest),
    )
    assert refused.status_code == 403
    assert "moderation" in message_of(refused.json())
    match_id_of(upload(client, ingest, "m2"))  # not allow-listed: blocked again
    with database.session() as session:
        assert session.get(HashMatch, match_id).feedback is None


def test_moderation_key_rejects_a_match_audited_as_that_key(
    client: TestClient, database: Database
) -> None:
    ingest, moderation = key(database, INGEST), key(database, MODERATION)
    match_id = match_id_of(upload(client, ingest, "m1"))
    response = client.post(
        f"/v1/media/matches/{match_id}/feedback",
        json={"decision": "reject", "note": "a holiday photo"},
        headers=auth(moderation),
    )
    assert response.status_code == 200 and response.json()["allow_listed"] is True
    assert upload(client, ingest, "m2")["verdict"] == "allow"
    with database.session() as session:
        [entry] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "hash_match.rejected")
        )
        assert entry.actor == f"api:{moderation.id}" and entry.target_id == match_id
        assert session.get(HashMatch, match_id).feedback_by == f"api:{moderation.id}"


def test_the_body_cannot_name_who_decided(client: TestClient, database: Database) -> None:
    ingest, moderation = key(database, INGEST), key(database, MODERATION)
    match_id = match_id_of(upload(client, ingest, "m1"))
    response = client.post(
        f"/v1/media/matches/{match_id}/feedback",
        json={"decision": "reject", "by": "user:usr_admin-impersonated"},
        headers=auth(moderation),
    )
    assert response.status_code == 422
    assert "by" in message_of(response.json())
    with database.session() as session:
        assert session.get(HashMatch, match_id).feedback is None
        assert "usr_admin" not in str(list(session.scalars(select(AuditEntry.actor))))


def test_ingest_key_reads_no_alerts_media_or_other_keys_reports(
    client: TestClient, database: Database
) -> None:
    ingest, other, moderation = (
        key(database, INGEST),
        key(database, INGEST),
        key(database, MODERATION),
    )
    upload(client, ingest, "m1")
    report = client.post(
        "/v1/reports",
        json={
            "reporter_account_id": "kid",
            "reported_account_id": "sender",
            "category": "something_else",
        },
        headers=auth(ingest),
    )
    assert report.status_code == 201, report.text
    report_id = report.json()["id"]
    moderation_reads = ["/v1/alerts", "/v1/alerts/a1", "/v1/media/m1", "/v1/media/m1/content"]
    for path in moderation_reads:
        refused = client.get(path, headers=auth(ingest))
        assert refused.status_code == 403, path
        assert "moderation" in message_of(refused.json())
        assert client.get(path, headers=auth(moderation)).status_code in (200, 404), path
    not_its_own = client.get(f"/v1/reports/{report_id}", headers=auth(other))
    assert not_its_own.status_code == 403
    assert "may read only the reports it submitted (moderation reads all)" in not_its_own.text
    assert client.get(f"/v1/reports/{report_id}", headers=auth(ingest)).status_code == 200
    assert client.get(f"/v1/reports/{report_id}", headers=auth(moderation)).status_code == 200


def test_ingest_key_cannot_make_a_child_an_adult(client: TestClient, database: Database) -> None:
    ingest, both = key(database, INGEST), key(database, INGEST, MODERATION)
    account = {"age_band": "under_13"}
    assert client.put("/v1/accounts/sam", json=account, headers=auth(ingest)).status_code == 201
    for band in ("adult", "13_15"):
        refused = client.put("/v1/accounts/sam", json={"age_band": band}, headers=auth(ingest))
        assert refused.status_code == 403 and "moderation" in message_of(refused.json())
    stored = client.get("/v1/accounts/sam", headers=auth(ingest)).json()
    assert stored["age_band"] == "under_13"
    assert stored["settings"]["profile_visibility"]["value"] == "private"
    # Tightening stays with the platform's ingest key, and is not an audited loosening.
    assert client.put("/v1/accounts/friend", json=account, headers=auth(ingest)).status_code == 200
    relabel = client.put("/v1/accounts/sam", json={"age_band": "adult"}, headers=auth(both))
    assert relabel.status_code == 200
    with database.session() as session:
        [entry] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "account.protection_loosened")
        )
    assert entry.actor == f"api:{both.id}" and entry.target_id == "sam"
    assert entry.details["age_band"] == ["under_13", "adult"]


def test_a_childs_loosened_setting_is_audited_under_the_key(
    client: TestClient, database: Database
) -> None:
    ingest = key(database, INGEST)
    body = {
        "age_band": "13_15",
        "settings": {"location_sharing": "connections"},
        "notice_acknowledged": True,
    }
    response = client.put("/v1/accounts/kid", json=body, headers=auth(ingest))
    assert response.status_code == 200
    assert response.json()["settings"]["location_sharing"]["value"] == "connections"
    with database.session() as session:
        [entry] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "account.protection_loosened")
        )
    assert entry.actor == f"api:{ingest.id}"
    assert entry.details["settings"] == {"location_sharing": ["off", "connections"]}


def test_fast_path_needs_the_ingest_scope(client: TestClient, database: Database) -> None:
    moderation = key(database, MODERATION)
    # A valid request first puts the key in the per-process cache the fast path reads.
    assert client.get("/v1/alerts", headers=auth(moderation)).status_code == 200
    body = {
        "id": "msg1",
        "conversation_id": "c1",
        "sender_id": "sender",
        "recipient_ids": ["friend"],
        "text": "see you at practice",
        "sent_at": "2026-11-23T16:00:00Z",
    }
    response = client.post("/v1/messages", json=body, headers=auth(moderation))
    assert response.status_code == 403
    assert "ingest" in message_of(response.json())


def test_every_v1_route_needs_a_scope(client: TestClient, database: Database) -> None:
    """An admin-only key opens no /v1 route (keys and banks are managed with the CLI)."""
    admin = key(database, ADMIN)
    paths = client.get("/openapi.json").json()["paths"]
    operations = [
        (method, re.sub(r"\{[^}]+\}", "x", path))
        for path, methods in paths.items()
        if path.startswith("/v1/")
        for method in methods
    ]
    assert len(operations) >= 15
    for method, path in operations:
        response = client.request(method, path, headers=auth(admin))
        assert response.status_code == 403, (method, path, response.text)


def test_revoked_key_is_refused(client: TestClient, database: Database) -> None:
    issued = key(database, INGEST, MODERATION)
    with database.session() as session:
        revoke_api_key(session, issued.id)
    for path in ("/v1/alerts", "/v1/accounts/kid"):
        assert client.get(path, headers=auth(issued)).status_code == 401


def test_cli_creates_scoped_keys_and_lists_them(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["apikey", "--database-url", db_url]
    assert main([*base, "create", "--name", "feed"]) == 0
    assert "scopes ingest:" in capsys.readouterr().err
    create = [*base, "create", "--name", "mods", "--scope", "moderation", "--scope", "ingest"]
    assert main(create) == 0
    assert "scopes ingest,moderation:" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*base, "create", "--name", "x", "--scope", "everything"])
    assert "invalid choice" in capsys.readouterr().err
    assert main([*base, "list"]) == 0
    listed = capsys.readouterr()
    feed, mods = listed.out.splitlines()
    assert feed.split("\t")[1:4] == ["feed", "active", "ingest"]
    assert mods.split("\t")[1:4] == ["mods", "active", "ingest,moderation"]
    assert listed.err.count("warning:") == 1 and mods.split("\t")[0] in listed.err


def test_keys_from_before_scopes_keep_ingest_and_moderation(db_url: str) -> None:
    database = Database(db_url)
    command.upgrade(alembic_config(database.engine), "service_0002")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO api_keys (id, name, key_hash, created_at, revoked) "
                "VALUES ('key_old', 'old', :hash, CURRENT_TIMESTAMP, false)"
            ),
            {"hash": "0" * 64},
        )
    database.migrate()
    with database.session() as session:
        assert session.get(ApiKey, "key_old").scopes == ["ingest", "moderation"]
    database.dispose()
