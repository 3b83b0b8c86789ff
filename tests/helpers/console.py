"""Signing in to the console over HTTP and reading its forms' CSRF tokens, for console tests."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from childsafe.api.app import create_app
from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry
from tests.helpers.cases import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client: TestClient, path: str) -> str:
    """The CSRF token of the form on the page at `path`."""
    token = CSRF.search(client.get(path).text)
    assert token is not None
    return token.group(1)


def sign_in(
    database: Database, username: str, password: str = PASSWORD, *, address: str | None = None
) -> TestClient:
    """A client signed in as `username` (from `address`, for the per-address throttle)."""
    client = (
        TestClient(create_app(database))
        if address is None
        else TestClient(create_app(database), client=(address, 50000))
    )
    response = client.post(
        "/console/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_of(client, "/console/login"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def audit_actions(database: Database) -> list[str]:
    """Every audit entry's action, oldest first."""
    with database.session() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
