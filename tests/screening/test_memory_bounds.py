"""What a Screener keeps between batches is bounded: detector states for cache_conversations
conversations, derived accounts for two per cached conversation, the least recently screened
dropped first; a dropped one reloads from the database and a changed row is derived again."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.screening import IncomingMessage, Screener
from childsafe.store.db import Database
from childsafe.store.tables.service import Account

PAIRS = 6


def _message(n: int, serial: int) -> IncomingMessage:
    # Invented, mild chat for a test.
    return IncomingMessage(
        f"m{serial}", f"c{n}", f"adult{n}", (f"kid{n}",), "how was school", datetime.now(UTC)
    )


def test_cached_states_and_accounts_stay_within_their_bound_least_recent_first(
    database: Database,
) -> None:
    with database.session() as session:
        for n in range(PAIRS):
            session.add(Account(id=f"adult{n}", age_band="adult", settings={}))
            session.add(Account(id=f"kid{n}", age_band="13_15", settings={}))
    screener = Screener(database, Policy.default(), RiskTracker.default(), cache_conversations=2)
    serial = 0

    def screen(n: int) -> None:
        nonlocal serial
        serial += 1
        [outcome] = screener.screen_batch([_message(n, serial)])
        assert isinstance(outcome, dict), outcome  # an answer, not an error

    screen(0)
    hot = screener._accounts["kid0"][1]
    for n in range(1, PAIRS):
        screen(n)
        screen(0)  # conversation 0 stays the most recent
        assert len(screener._loaded) <= 2
        assert len(screener._accounts) <= 4
    assert list(screener._loaded) == [f"c{PAIRS - 1}", "c0"]
    assert set(screener._accounts) == {"adult0", "kid0", f"adult{PAIRS - 1}", f"kid{PAIRS - 1}"}
    assert screener._accounts["kid0"][1] is hot, "a hot account is derived once"

    with database.session() as session:
        session.execute(update(Account).where(Account.id == "kid0").values(age_band="16_17"))
    screen(0)
    assert screener._accounts["kid0"][1].band.value == "16_17"
    screen(1)  # evicted long ago: reloaded, and the least recent pair makes room
    assert set(screener._accounts) == {"adult0", "kid0", "adult1", "kid1"}
