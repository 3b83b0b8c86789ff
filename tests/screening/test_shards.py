"""Screening spread over several screeners: a conversation always goes to the same one, and
what crosses screeners (the same suspect's case) is still merged correctly."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.screening import Batcher, IncomingMessage, Screener
from childsafe.screening.shards import Shards
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case, CaseItem
from childsafe.store.tables.service import Account

CONVERSATIONS = [f"conv{n}" for n in range(12)]


def test_each_conversation_stays_on_one_screener_and_cases_merge_across_them(
    database: Database,
) -> None:
    with database.session() as session:
        session.add(Account(id="adult30", age_band="adult", settings={}))
        for n in range(len(CONVERSATIONS)):
            session.add(Account(id=f"kid{n}", age_band="13_15", settings={}))
    screeners = [Screener(database, Policy.default(), RiskTracker.default()) for _ in range(2)]
    shards = Shards([Batcher(screener) for screener in screeners])
    alert_ids = set()
    try:
        for line in ("hi", "this is just between us ok", "do you have snapchat? talk there"):
            for n, conversation in enumerate(CONVERSATIONS):
                answer = shards.screen(
                    IncomingMessage(
                        f"{conversation}-{line}",
                        conversation,
                        "adult30",
                        (f"kid{n}",),
                        line,
                        datetime.now(UTC),
                    )
                )
                if answer["alert_id"]:
                    alert_ids.add(answer["alert_id"])
    finally:
        shards.close()
    loaded = [set(screener._loaded) for screener in screeners]
    assert loaded[0] and loaded[1], "both screeners took conversations"
    assert not loaded[0] & loaded[1]
    assert loaded[0] | loaded[1] == set(CONVERSATIONS)
    for conversation in CONVERSATIONS:
        assert shards.batcher_for(conversation) is shards.batcher_for(conversation)
    assert alert_ids
    with database.session() as session:
        cases = session.scalars(select(Case)).all()
        items = set(session.scalars(select(CaseItem.source_id)))
    assert len(cases) == 1 and cases[0].victim_account_ids
    assert items == alert_ids
