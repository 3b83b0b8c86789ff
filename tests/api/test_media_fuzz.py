"""Property-based fuzzing of the images area's routes from the OpenAPI spec (schemathesis):
whatever arrives, the answer is a documented 4xx or a 200, never a 500.

Bounded: a fixed number of generated cases per operation, on a temporary SQLite file.
The nudity detector is off here (the fuzzer sends no real images that would reach it).
"""

import schemathesis

from childsafe.media import MediaScreener
from childsafe.policy import Policy
from tests.helpers.fuzz import bounded, call_and_validate, fuzzed_api

API = fuzzed_api("images", r"^/v1/media")
API.app.state.media_screener = MediaScreener(API.app.state.database, Policy.default(), None)


@API.schema.parametrize()
@bounded(max_examples=30)
def test_media_routes_never_error_and_match_their_spec(case: schemathesis.Case) -> None:
    call_and_validate(API, case)
