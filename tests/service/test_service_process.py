import os
import signal
from datetime import UTC, datetime

import pytest

from childsafe.policy import Policy
from childsafe.screening import IncomingMessage, ScreeningUnavailable
from childsafe.screening.process import ProcessScreener
from childsafe.store.db import Database
from childsafe.store.tables.service import Account


def test_a_dead_screening_process_fails_one_batch_and_is_replaced(database: Database) -> None:
    with database.session() as session:
        session.add(Account(id="a", age_band="adult", settings={}))
        session.add(Account(id="b", age_band="adult", settings={}))
    screener = ProcessScreener(database.url, Policy.default())
    try:

        def message(n: int) -> IncomingMessage:
            return IncomingMessage(f"p{n}", "c", "a", ("b",), "hello", datetime.now(UTC))

        assert screener.screen_batch([message(1)])[0]["verdict"] == "allow"  # type: ignore[index]
        os.kill(screener._process.pid, signal.SIGKILL)
        with pytest.raises(ScreeningUnavailable, match="restarted"):
            screener.screen_batch([message(2)])
        answers = screener.screen_batch([message(2), message(3)])
        assert [a["verdict"] for a in answers] == ["allow", "allow"]  # type: ignore[index]
    finally:
        screener.close()
