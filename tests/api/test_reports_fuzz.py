"""Property-based fuzzing of the reports routes from the API's own OpenAPI spec (schemathesis):
never a 500, always the documented shape. Bounded, on a temporary SQLite file with accounts."""

import schemathesis

from childsafe.store.db import Database
from childsafe.store.tables.service import Account
from tests.helpers.fuzz import bounded, call_and_validate, fuzzed_api


def _with_accounts(database: Database) -> None:
    with database.session() as session:
        session.add_all(
            [
                Account(id="kid", age_band="13_15", display_name="kid", settings={}),
                Account(id="adult", age_band="adult", display_name="adult", settings={}),
            ]
        )


API = fuzzed_api("reports", r"^/v1/reports", _with_accounts)


@API.schema.parametrize()
@bounded(max_examples=40)
def test_reports_api_never_errors_and_matches_its_spec(case: schemathesis.Case) -> None:
    call_and_validate(API, case)
