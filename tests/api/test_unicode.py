"""Any Unicode in a message is screened or refused with a clear 4xx, never a 500, and one
odd message never harms the next: RTL overrides, zero-width and look-alike disguises, emoji
only, mixed scripts, combining marks; lone surrogates and over-long texts get a clear 422."""

from __future__ import annotations

import json

import pytest

from childsafe.store.db import Database
from tests.helpers.api import api_client, message, register

ODD_TEXTS = [
    "\u202eevil\u202c reversed",
    "👻📸🤫",
    "s\u200bn\u200ba\u200bp me",
    "ѕесrеt between us",
    "ｈｉ ｔｈｅｒｅ 𝐡𝐞𝐥𝐥𝐨",
    "Привет, как дела? hi",
    "z\u0301\u0302\u0303algo",
]


def test_odd_unicode_is_screened_and_the_next_message_is_unharmed(database: Database) -> None:
    with api_client(database) as client:
        register(client, "adult", "adult")
        register(client, "kid", "13_15")
        for text in ODD_TEXTS:
            response = client.post("/v1/messages", json=message("adult", "kid", text))
            assert response.status_code == 200, (text[:20], response.text)
            assert response.json()["verdict"] in {"allow", "warn", "blur", "hold", "block"}
        too_long = client.post("/v1/messages", json=message("adult", "kid", "a" * 100_000))
        assert too_long.status_code == 422 and "at most" in too_long.text
        after = client.post("/v1/messages", json=message("adult", "kid", "see you tomorrow"))
        assert after.status_code == 200, after.text


@pytest.mark.parametrize("escaped", ["\\ud800", "\\udfff", "x\\ud83dy"])
def test_lone_surrogates_get_a_clear_error(database: Database, escaped: str) -> None:
    """JSON may escape a lone surrogate, which no UTF-8 store can hold: a 422 that says so."""
    with api_client(database) as client:
        register(client, "adult", "adult")
        register(client, "kid", "13_15")
        body = json.dumps(message("adult", "kid", "PLACEHOLDER")).replace("PLACEHOLDER", escaped)
        response = client.post(
            "/v1/messages", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422, response.text
        assert "unicode string" in response.json()["error"]["message"].lower()
        after = client.post("/v1/messages", json=message("adult", "kid", "see you tomorrow"))
        assert after.status_code == 200, after.text
