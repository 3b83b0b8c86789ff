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
from hypothesis import HealthCheck, assume, settings

from childsafe.api.app import create_app
from childsafe.api.auth import KeyScope, create_api_key
from childsafe.store.db import Database

# A body over the API's size limit is refused with 413 before it is parsed: for a generated
# "too many items" case that is the right rejection, which schemathesis does not count as one.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                # schemathesis's own list, and 413
                "expected-statuses": [
                    *("400", "401", "403", "404", "405", "406", "409", "413", "415", "422"),
                    *("428", "429", "5xx"),
                ]
            }
        }
    }
)


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
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG).include(
        path_regex=path_regex
    )
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
    which is right, so that one check is off and every other stays on.

    A query parameter whose value is an empty list cannot be written in a URL (the client
    sends nothing for it): a negative case made "invalid" only by such an extra parameter
    would reach the app valid, be accepted and fail the check for no fault of the app, so
    such cases are not tried."""
    assume(not any(value == [] for value in (case.query or {}).values()))
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api.key}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
