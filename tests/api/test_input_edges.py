"""Low findings at the API's edge: out-of-range dates, ids outside the documented alphabet
(%FF%FE and %FE%FF naming one account, a newline in media_id forging a log line), a body
limit on every route, control characters in log lines, and `serve --access-log`."""

from __future__ import annotations

import importlib
import io
import logging
import re
import subprocess
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from childsafe.api.app import ROUTERS, create_app
from childsafe.api.auth import create_api_key
from childsafe.bench.api import SERVE_COMMAND, wait_for_url
from childsafe.log_lines import escape_controls_in
from childsafe.store.db import Database
from tests.helpers.api import api_client, message, register

# Part of the adversarial suite of issue 11: `pytest -m security` replays it.
pytestmark = pytest.mark.security

OUT_OF_RANGE = ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"]


def _png() -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 200, 30)).save(image, "PNG")
    return image.getvalue()


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_dates_out_of_range_are_a_422_and_the_connection_carries_on(
    database: Database, moment: str
) -> None:
    with api_client(database) as client:
        register(client, "adult", "adult")
        register(client, "friend", "adult")
        refused = [
            client.post("/v1/messages", json=message("adult", "friend", "hi", sent_at=moment)),
            client.put("/v1/accounts/late", json={"age_band": "adult", "created_at": moment}),
            client.get("/v1/alerts", params={"since": moment}),
            client.post(
                "/v1/media",
                files={"file": ("x.png", _png(), "image/png")},
                data={"sender_id": "adult", "recipient_ids": "friend", "conversation_id": "c1"}
                | {"sent_at": moment},
            ),
        ]
        for response in refused:
            assert response.status_code == 422, response.text
            assert "out of range" in response.json()["error"]["message"]
        latest = client.post(
            "/v1/messages", json=message("adult", "friend", "hi", sent_at="9999-12-31T23:59:59Z")
        )
        assert latest.status_code == 200, latest.text


def test_ids_outside_the_alphabet_are_refused_and_never_alias(database: Database) -> None:
    with api_client(database) as client:
        for path in ("/v1/accounts/%FF%FE", "/v1/accounts/%FE%FF", "/v1/accounts/a%0Ab"):
            response = client.put(path, json={"age_band": "adult"})
            assert response.status_code == 422, response.text
            assert "letters, digits and . _ : @ -" in response.json()["error"]["message"]
            assert client.get(path).status_code == 422
        register(client, "user:42@example.org", "adult")
        register(client, "friend_1.b-c", "adult")
        bad_ids = {
            "id": "m\n1",
            "conversation_id": "c 1",
            "sender_id": "\u0430dult",  # a Cyrillic look-alike "a"
            "recipient_ids": ["../friend"],
        }
        for field, value in bad_ids.items():
            body = message("user:42@example.org", "friend_1.b-c", "hi")
            response = client.post("/v1/messages", json={**body, field: value})
            assert response.status_code == 422, (field, response.text)
            assert field in response.json()["error"]["message"]
        ok = client.post("/v1/messages", json=message("user:42@example.org", "friend_1.b-c", "hi"))
        assert ok.status_code == 200, ok.text
        form = {"sender_id": "user:42@example.org", "conversation_id": "c1"}
        for fields in (
            {"recipient_ids": "friend_1.b-c", "media_id": "m1\nINFO childsafe.media: forged"},
            {"recipient_ids": "friend_1.b-c,bad id"},
        ):
            response = client.post(
                "/v1/media", files={"file": ("x.png", _png(), "image/png")}, data=form | fields
            )
            assert response.status_code == 422, response.text
            assert "letters, digits and . _ : @ -" in response.text


def test_every_route_that_takes_a_body_has_a_limit(database: Database) -> None:
    with database.session() as session:
        key = create_api_key(session, "tests").key
    app = create_app(database)
    routes = sorted(
        (method, re.sub(r"\{[^}]+\}", "x1", route.path))
        for module, attribute in ROUTERS
        for route in getattr(importlib.import_module(module), attribute).routes
        for method in getattr(route, "methods", ())
        if method in ("POST", "PUT", "PATCH")
    )
    assert ("POST", "/v1/messages") in routes and ("POST", "/console/login") in routes
    too_large = b"[" + b" " * (300 * 1024) + b"]"
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as client:
        for method, path in routes:
            for content_type in ("application/json", "multipart/form-data; boundary=x"):
                if path.startswith("/v1/media") and content_type.startswith("multipart"):
                    continue  # the media routes take images: a larger limit of their own
                response = client.request(
                    method, path, content=too_large, headers={"Content-Type": content_type}
                )
                assert response.status_code == 413, (method, path, content_type, response.text)
                if path.startswith("/v1/"):
                    assert "too large" in response.json()["error"]["message"]
                else:  # pages people use answer with a page
                    assert "We could not read" in response.text, (method, path, content_type)


def test_log_lines_escape_control_characters(tmp_path: Path) -> None:
    log_file = tmp_path / "childsafe.log"
    logger = logging.getLogger("childsafe.tests.log_lines")
    handler = logging.FileHandler(log_file)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.propagate = False
    try:
        escape_controls_in(logger)
        logger.warning("media %s: stored", "m1\nINFO childsafe.media: forged\u2028x")
    finally:
        logger.removeHandler(handler)
        handler.close()
    lines = log_file.read_text().splitlines()
    assert lines == [
        "WARNING childsafe.tests.log_lines: media m1\\nINFO childsafe.media: forged\\u2028x: stored"
    ]


def test_serve_access_log_logs_each_request(db_url: str, tmp_path: Path) -> None:
    database = Database(db_url)
    database.migrate()
    with database.session() as session:
        key = create_api_key(session, "access-log").key
    database.dispose()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*SERVE_COMMAND, "--port", "0", "--database-url", db_url, "--access-log"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = wait_for_url(process, log_path)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as client:
            assert client.put("/v1/accounts/sam", json={"age_band": "13_15"}).status_code == 201
            assert client.get("/v1/accounts/nobody").status_code == 404
            assert client.get("/v1/accounts/a%0Ab").status_code == 422
    finally:
        process.terminate()
        process.wait(timeout=15)
    lines = log_path.read_text().splitlines()
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO: +127\.0\.0\.1:\d+ - "
    for request_line in (
        r'"PUT /v1/accounts/sam HTTP/1\.1" 201',
        r'"GET /v1/accounts/nobody HTTP/1\.1" 404',
        r'"GET /v1/accounts/a%0Ab HTTP/1\.1" 422',
    ):
        assert any(re.match(stamp + request_line, line) for line in lines), (
            request_line,
            lines,
        )
