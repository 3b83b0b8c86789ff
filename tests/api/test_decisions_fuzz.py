"""Property-based fuzzing of the cases, held-message and appeal routes from the API's own
OpenAPI spec (schemathesis): never a 500, always the documented shape. Bounded, on a temporary
SQLite file with a case, a decision and held messages."""

import schemathesis

from childsafe.store.db import Database
from tests.helpers.cases import api_client, scenario
from tests.helpers.fuzz import bounded, call_and_validate, fuzzed_api


def _with_a_case(database: Database) -> None:
    with api_client(database) as client:
        scenario(client)


API = fuzzed_api("decisions", r"^/v1/(cases|held-messages|appeals)", _with_a_case)


@API.schema.parametrize()
@bounded(max_examples=15)
def test_decision_routes_never_error_and_match_their_spec(case: schemathesis.Case) -> None:
    call_and_validate(API, case)
