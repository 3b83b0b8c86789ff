"""Property-based fuzzing of the images area's routes from the OpenAPI spec (schemathesis):
whatever arrives, the answer is a documented 4xx or a 200, never a 500.

Bounded: a fixed number of generated cases per operation, on a temporary SQLite file.
The nudity detector is off here (the fuzzer sends no real images that would reach it).
"""

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from childsafe.api.app import create_app
from childsafe.api.auth import KeyScope, create_api_key
from childsafe.media import MediaScreener
from childsafe.policy import Policy
from childsafe.store.db import Database

_folder = tempfile.TemporaryDirectory(prefix="childsafe-images-fuzz-")
_database = Database(f"sqlite:///{Path(_folder.name) / 'fuzz.sqlite3'}")
_database.migrate()
with _database.session() as _session:
    KEY = create_api_key(_session, "fuzz", (KeyScope.INGEST, KeyScope.MODERATION)).key
APP = create_app(_database)
APP.state.media_screener = MediaScreener(_database, Policy.default(), None)

schema = schemathesis.openapi.from_asgi("/openapi.json", APP).include(path_regex=r"^/v1/media")


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_media_routes_never_error_and_match_their_spec(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {KEY}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
