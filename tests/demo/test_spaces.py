"""The demo space through the real message path: its rating rises from U with the (invented,
mild) sexual lines, the 14-year-old member is suspended and the 12-year-old refused with the
supportive notice; re-running adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from childsafe.demo.spaces import MEMBER_CHILD, REFUSED_CHILD, SPACE, seed_demo_space
from childsafe.store.db import Database
from childsafe.store.tables.service import Account, StoredMessage
from childsafe.store.tables.spaces import Space, SpaceMember, SpaceRefusal


def test_the_demo_space_rises_and_keeps_the_twelve_year_old_out(database: Database) -> None:
    with database.session() as session:
        for account_id, band in (
            ("morgan_30", "adult"),
            ("riley_14", "13_15"),
            ("sam_12", "under_13"),
        ):
            session.add(Account(id=account_id, age_band=band, settings={}))
    said: list[str] = []
    seed_demo_space(database, said.append)
    seed_demo_space(database, said.append)  # idempotent
    assert said[0] == "demo space 'demo-lounge' (Late-night lounge): registered, rated U"
    assert said[1].startswith("  after 6 messages: rated 18 (rated 18: sexual language in 33%")
    assert "suspended" in said[2]
    assert said[3].startswith("  sam_12 (12) refused entry; the notice: This space is rated 18")
    assert said[4] == "demo space 'demo-lounge': already there (left as it is)"
    with database.session() as session:
        assert session.get_one(Space, SPACE).rating == "18"
        assert session.get_one(SpaceMember, (SPACE, MEMBER_CHILD)).status == "suspended"
        [refusal] = session.scalars(select(SpaceRefusal)).all()
        assert refusal.account_id == REFUSED_CHILD
        assert session.scalar(select(func.count()).select_from(StoredMessage)) == 6
