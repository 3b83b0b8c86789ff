"""A space for `childsafe seed-demo`: registered as U, its rating rising as invented sexual
lines between two adults go through the real message path, the 14-year-old member suspended,
and a 12-year-old refused entry with the supportive notice.

The lines are invented and mild (only the words the detector counts). The rating counts the
last 7 days, so the messages are sent now; a space already registered is left as it is, so
re-running adds nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from childsafe.conversations import RiskTracker
from childsafe.model.clock import utcnow
from childsafe.policy import Policy
from childsafe.screening.batcher import Batcher
from childsafe.screening.records import IncomingMessage
from childsafe.screening.screener import Screener
from childsafe.spaces.listing import space_detail
from childsafe.spaces.ratings import Rating
from childsafe.spaces.registry import add_member, put_space
from childsafe.store.db import Database
from childsafe.store.tables.service import Account
from childsafe.store.tables.spaces import Space, SpaceMember

SPACE, NAME = "demo-lounge", "Late-night lounge"
OWNER, REGULAR = "alex_35", "morgan_30"  # two adults (morgan_30 is the service demo's)
MEMBER_CHILD, REFUSED_CHILD = "riley_14", "sam_12"
LINES = (
    (OWNER, "welcome to the lounge everyone"),
    (REGULAR, "anyone up for a game later?"),
    (OWNER, "sure, after dinner"),
    (REGULAR, "feeling so horny tonight lol"),
    (OWNER, "this chat is getting sexy"),
    (REGULAR, "gg, see you all tomorrow"),
)


def seed_demo_space(database: Database, say: Callable[[str], None] = print) -> None:
    with database.session() as session:
        if session.get(Space, SPACE) is not None:
            say(f"demo space {SPACE!r}: already there (left as it is)")
            return
        if session.get(Account, OWNER) is None:
            session.add(
                Account(
                    id=OWNER,
                    age_band="adult",
                    display_name="Alex (35)",
                    created_at=utcnow() - timedelta(days=700),
                    settings={},
                )
            )
            session.flush()
        space, _, _ = put_space(
            session,
            SPACE,
            kind="server",
            owner_id=OWNER,
            declared_rating=Rating.U,
            members=[REGULAR, MEMBER_CHILD],
            name=NAME,
        )
        say(f"demo space {SPACE!r} ({NAME}): registered, rated {space.rating}")
    now = utcnow()
    batcher = Batcher(Screener(database, Policy.default(), RiskTracker.default()))
    try:
        for n, (sender, text) in enumerate(LINES):
            recipient = REGULAR if sender == OWNER else OWNER
            batcher.screen(
                IncomingMessage(
                    f"demo-lounge-{n}",
                    "demo-lounge-chat",
                    sender,
                    (recipient,),
                    text,
                    now + timedelta(seconds=n),
                    SPACE,
                )
            )
    finally:
        batcher.close()
    with database.session() as session:
        shown = space_detail(session, SPACE)
        space = shown.space
        say(f"  after {len(LINES)} messages: rated {space.rating} ({'; '.join(shown.reasons)})")
        member = session.get_one(SpaceMember, (SPACE, MEMBER_CHILD))
        say(f"  {MEMBER_CHILD} (14): {member.status} ({member.suspended_reason or 'allowed'})")
        refused = add_member(session, space, REFUSED_CHILD)
        if refused is not None:
            say(f"  {REFUSED_CHILD} (12) refused entry; the notice: {refused.notice}")
