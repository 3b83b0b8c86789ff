import os
import signal
import time
from datetime import UTC, datetime

import pytest

from childsafe.policy import Policy
from childsafe.screening import IncomingMessage, ScreeningUnavailable
from childsafe.screening.process import ProcessScreener
from childsafe.store.db import Database
from childsafe.store.tables.service import Account


def message(n: int) -> IncomingMessage:
    # A fixed time: a retry is the same message, sent_at included.
    return IncomingMessage(f"p{n}", "c", "a", ("b",), "hello", datetime(2026, 11, 23, tzinfo=UTC))


def test_batches_in_flight_when_the_process_dies_fail_and_a_new_one_takes_over(
    database: Database,
) -> None:
    with database.session() as session:
        session.add(Account(id="a", age_band="adult", settings={}))
        session.add(Account(id="b", age_band="adult", settings={}))
    screener = ProcessScreener(database.url, Policy.default())
    try:
        assert screener.screen_batch([message(1)])[0]["verdict"] == "allow"  # type: ignore[index]
        dying = screener._process.pid
        os.kill(dying, signal.SIGSTOP)  # it cannot answer: these two stay in flight
        in_flight = [screener.submit([message(2)]), screener.submit([message(3)])]
        time.sleep(0.2)
        assert not any(future.done() for future in in_flight)
        os.kill(dying, signal.SIGKILL)
        for future in in_flight:
            with pytest.raises(ScreeningUnavailable, match="restarted"):
                future.result(timeout=60)
        assert screener._process.pid != dying
        answers = screener.screen_batch([message(2), message(3)])
        assert [a["verdict"] for a in answers] == ["allow", "allow"]  # type: ignore[index]
    finally:
        screener.close()


def test_batches_sent_without_waiting_are_answered_in_order(database: Database) -> None:
    with database.session() as session:
        session.add(Account(id="a", age_band="adult", settings={}))
        session.add(Account(id="b", age_band="adult", settings={}))
    screener = ProcessScreener(database.url, Policy.default())
    try:
        futures = [screener.submit([message(n), message(n + 1000)]) for n in range(40)]
        again = screener.submit([message(7)])  # a retry: the stored answer
        for future in futures:
            answers = future.result(timeout=60)
            assert len(answers) == 2
            assert all(a["verdict"] == "allow" for a in answers)  # type: ignore[index]
        assert again.result(timeout=60) == futures[7].result()[:1]
    finally:
        screener.close()
