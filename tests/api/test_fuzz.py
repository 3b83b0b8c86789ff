"""Property-based fuzzing of the whole HTTP API from its own OpenAPI spec (schemathesis).

Bounded: a fixed number of generated cases per operation, on a temporary SQLite file.
"""

import schemathesis

from tests.helpers.fuzz import bounded, call_and_validate, fuzzed_api

# The service area's resources; other areas fuzz their own routes.
API = fuzzed_api("service", r"^/v1/(accounts|connections|messages|alerts)")


@API.schema.parametrize()
@bounded(max_examples=30)
def test_api_never_errors_and_matches_its_spec(case: schemathesis.Case) -> None:
    call_and_validate(API, case)
