"""The demo images go through the real media path: the known stand-in is blocked with a case."""

from __future__ import annotations

from sqlalchemy import func, select

from childsafe.demo.images import seed_demo_images
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case
from childsafe.store.tables.hashbanks import StoredMedia
from childsafe.store.tables.service import Account, Connection


def test_demo_images_block_the_known_stand_in_once(database: Database) -> None:
    with database.session() as session:
        for account_id, band in (
            ("morgan_30", "adult"),
            ("riley_14", "13_15"),
            ("pat_41", "adult"),
            ("sam_12", "under_13"),
        ):
            session.add(Account(id=account_id, age_band=band, settings={}))
        session.flush()
        session.add(Connection(account_a="pat_41", account_b="sam_12"))
    said: list[str] = []
    seed_demo_images(database, said.append)
    seed_demo_images(database, said.append)  # idempotent
    assert said == [
        said[0],
        "image demo-img-ordinary from pat_41 to sam_12: allow",
    ]
    assert said[0].startswith("image demo-img-known from morgan_30 to riley_14: block (case ")
    with database.session() as session:
        assert session.scalar(select(func.count(StoredMedia.id))) == 2
        assert session.scalar(select(func.count(Case.id))) == 1
