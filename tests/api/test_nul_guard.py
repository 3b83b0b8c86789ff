"""NUL characters (U+0000), which PostgreSQL text cannot hold, get the same clear 422 on every
route and backend, before anything is stored."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import func, select

from childsafe.store.db import Database
from childsafe.store.tables.service import StoredMessage
from tests.helpers.api import api_client, message, register


def test_nul_is_refused_everywhere_and_nothing_is_stored(database: Database) -> None:
    with api_client(database) as client:
        register(client, "adult", "adult")
        register(client, "kid", "under_13")
        refused = [
            client.post("/v1/messages", json=message("adult", "kid", "hi\u0000there")),
            client.post("/v1/messages", json=message("adult", "kid", "hi", id="m\u0000")),
            client.put("/v1/accounts/kid", json={"age_band": "under_13", "display_name": "a\x00"}),
            client.get("/v1/accounts/ki%00d"),
            client.get("/v1/alerts", params={"conversation_id": "c\u00001"}),
            client.post(
                "/v1/reports",
                json={
                    "reporter_account_id": "kid",
                    "reported_account_id": "adult",
                    "category": "made me uncomfortable",
                    "details": "x\u0000",
                },
            ),
        ]
        for response in refused:
            assert response.status_code == 422, response.text
            assert "NUL characters" in response.json()["error"]["message"]
        # A literal backslash-u0000 typed by a person is ordinary text.
        typed = client.post("/v1/messages", json=message("adult", "kid", "see \\u0000 in C"))
        assert typed.status_code == 200, typed.text
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(StoredMessage)) == 1


def test_nul_in_a_multipart_form_field_is_refused(database: Database) -> None:
    image = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 200, 30)).save(image, "PNG")
    with api_client(database) as client:
        register(client, "adult", "adult")
        register(client, "kid", "under_13")
        response = client.post(
            "/v1/media",
            files={"file": ("x.png", image.getvalue(), "image/png")},
            data={"sender_id": "adult", "recipient_ids": "kid", "conversation_id": "c\x001"},
        )
    assert response.status_code == 422, response.text
    assert "NUL characters" in response.json()["error"]["message"]
