"""Bulk registration (childsafe.accounts.bulk): records applied in order within a chunk,
invalid items reported in place, repeats unchanged, one transaction per chunk."""

from __future__ import annotations

from childsafe.accounts import (
    AccountRecord,
    ItemStatus,
    connect_accounts,
    register_accounts,
    write_in_chunks,
)
from childsafe.model import AgeBand
from childsafe.store.db import Database
from childsafe.store.tables.service import Account, Connection


def test_records_for_one_id_apply_in_order_and_repeats_change_nothing(
    database: Database,
) -> None:
    records = [
        AccountRecord("a", AgeBand.ADULT),
        AccountRecord("a", AgeBand.ADULT, display_name="Ann"),
        AccountRecord("b", AgeBand.AGE_16_17, settings={"profile_visibility": "private"}),
        AccountRecord("a", AgeBand.ADULT, display_name="Ann"),
    ]
    with database.session() as session:
        first = [r.status for r in register_accounts(session, records)]
    with database.session() as session:
        again = [r.status for r in register_accounts(session, records)]
        ann = session.get(Account, "a")
        assert ann is not None and ann.display_name == "Ann"
    assert first == ["created", "updated", "created", "unchanged"]
    assert again == ["unchanged"] * 4  # a left-out display_name keeps the stored one


def test_invalid_items_keep_their_place_across_chunks(database: Database) -> None:
    items: list[tuple[int, AccountRecord | str]] = [
        (1, AccountRecord("x1", AgeBand.ADULT)),
        (2, "age_band: wrong"),
        (3, AccountRecord("x2", AgeBand.UNDER_13)),
        (5, "not UTF-8"),
        (6, "id: wrong"),
        (7, AccountRecord("x3", AgeBand.UNKNOWN)),
    ]
    results = list(write_in_chunks(database, items, register_accounts, chunk_records=2))
    assert [(line, r.status, r.error) for line, r in results] == [
        (1, ItemStatus.CREATED, ""),
        (2, ItemStatus.ERROR, "age_band: wrong"),
        (3, ItemStatus.CREATED, ""),
        (5, ItemStatus.ERROR, "not UTF-8"),
        (6, ItemStatus.ERROR, "id: wrong"),
        (7, ItemStatus.CREATED, ""),
    ]


def test_a_pair_in_either_order_is_one_connection(database: Database) -> None:
    with database.session() as session:
        register_accounts(session, [AccountRecord(i, AgeBand.ADULT) for i in ("p", "q")])
    pairs = [("q", "p"), ("p", "q"), ("p", "nobody"), ("p", "p")]
    with database.session() as session:
        results = connect_accounts(session, pairs)
    assert [r.status for r in results] == ["created", "unchanged", "error", "error"]
    assert results[2].error == "unknown account(s): nobody"
    with database.session() as session:
        assert session.query(Connection).count() == 1
        assert [r.status for r in connect_accounts(session, pairs[:2])] == ["unchanged"] * 2
