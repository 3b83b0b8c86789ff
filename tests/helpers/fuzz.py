"""Helpers for the schemathesis fuzz tests (not a test module): the whole app on a temporary
SQLite file with one key that may ingest and moderate, its OpenAPI spec cut to one area's
routes, the bounded settings and the call that checks each answer."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings

from childsafe.api.app import create_app
from childsafe.api.auth import KeyScope, create_api_key
from childsafe.store.db import Database


@dataclass(frozen=True)
class FuzzedApi:
    app: FastAPI
    key: str
    schema: schemathesis.BaseSchema
    # Holds the database's folder for as long as the test module keeps this object.
    folder: tempfile.TemporaryDirectory[str]


def fuzzed_api(
    area: str, path_regex: str, prepare: Callable[[Database], None] = lambda _database: None
) -> FuzzedApi:
    """The app with `prepare`d data (accounts, a case) on a fresh database, its spec limited
    to the routes `path_regex` matches."""
    folder = tempfile.TemporaryDirectory(prefix=f"childsafe-{area}-fuzz-")
    database = Database(f"sqlite:///{Path(folder.name) / 'fuzz.sqlite3'}")
    database.migrate()
    prepare(database)
    with database.session() as session:
        key = create_api_key(session, "fuzz", (KeyScope.INGEST, KeyScope.MODERATION)).key
    app = create_app(database)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex=path_regex)
    return FuzzedApi(app, key, schema, folder)


def bounded(max_examples: int) -> settings:
    """A fixed number of generated cases per operation, however slow the machine."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def call_and_validate(api: FuzzedApi, case: schemathesis.Case) -> None:
    """Never a 500, always the documented shape. Schema-valid is not always meaningful (an
    unknown account, case or category, a message that was not held): those get a clear 4xx,
    which is right, so that one check is off and every other stays on."""
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api.key}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
