"""PostgreSQL's batch read looks connections up by their primary key, one probe per pair,
whatever the table's statistics say: a plan that hashes the whole table makes every batch pay
for every connection on the platform."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, text

from childsafe.screening.storage.postgres import READ, PostgresStorage
from childsafe.store.db import Database
from childsafe.store.tables.service import Account, Connection

PAIRS = 5_000


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_connections_are_probed_by_key_on_a_table_never_analysed(database: Database) -> None:
    now = datetime.now(UTC)
    accounts = [f"a{i:05d}" for i in range(2 * PAIRS)]
    with database.session() as session:
        session.execute(
            insert(Account),
            [
                {"id": a, "age_band": "adult", "created_at": now, "updated_at": now}
                for a in accounts
            ],
        )
        # Every other pair is connected, so the lookup must tell them apart.
        session.execute(
            insert(Connection),
            [
                {"account_a": accounts[2 * i], "account_b": accounts[2 * i + 1]}
                for i in range(0, PAIRS, 2)
            ],
        )
    asked = [(accounts[2 * i], accounts[2 * i + 1]) for i in range(0, 512, 2)]  # a full batch
    with database.engine.connect() as connection:
        # No statistics at all, as right after a bulk import.
        connection.execute(
            text("DELETE FROM pg_statistic WHERE starelid = 'connections'::regclass")
        )
        parameters = ([], [], [a for a, _ in asked], [b for _, b in asked], [])
        plan = "\n".join(
            row[0] for row in connection.exec_driver_sql(f"EXPLAIN {READ}", parameters)
        )
        reads = PostgresStorage().read(
            connection, message_ids=[], account_ids=[], pairs=asked, conversation_ids=[]
        )
    assert "Seq Scan on connections" not in plan, plan
    assert "Index Only Scan using pk_connections" in plan, plan
    assert reads.connected == {(a, b) for a, b in asked if int(a[1:]) % 4 == 0}
