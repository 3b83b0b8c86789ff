"""Register spaces and their members, gate children by the rating, override it (audited).

Gating (Ofcom ICU F2): a child cannot join or be added to a space rated above their age band;
the platform gets a supportive notice to show them, and the refusal is counted (transparency).
A moderator's override reinstates the children the rating suspended once it is within their
band (`rating.reinstate_after_review`).
Who invited which children they are not connected to, within a day (whether the children
joined or the rating kept them out), is `unconnected_invites`: the facts behind the policy
signal `space.unconnected_children_invited` (screened in childsafe.screening.invites).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from childsafe import audit
from childsafe.accounts import UnknownAccount
from childsafe.model import AgeBand
from childsafe.model.clock import utcnow
from childsafe.spaces.rating import reinstate_after_review, rerate
from childsafe.spaces.ratings import Rating, allowed
from childsafe.store.tables.service import Account, Connection
from childsafe.store.tables.spaces import Space, SpaceMember, SpaceRatingChange, SpaceRefusal

KINDS = ("group_chat", "server", "channel", "forum", "room")
# How far back an account's invites into one space count together.
INVITE_WINDOW = timedelta(hours=24)


class SpaceNotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class Refused:
    """A child kept out of a space, and what to tell them."""

    account_id: str
    rating: str
    notice: str


def notice(rating: Rating) -> str:
    return (
        f"This space is rated {rating.value}, which is for older people, so it isn't open to "
        "you yet. You haven't done anything wrong: this keeps spaces right for your age. If "
        "someone pushed you to join, or something here worried you, you can tell an adult "
        "you trust or report it."
    )


def get_space(session: Session, space_id: str, *, for_update: bool = False) -> Space:
    query = select(Space).where(Space.id == space_id)
    space = session.scalar(query.with_for_update() if for_update else query)
    if space is None:
        raise SpaceNotFound(f"no space {space_id!r}")
    return space


def _accounts(session: Session, ids: Sequence[str]) -> dict[str, Account]:
    found = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(set(ids))))}
    missing = sorted(set(ids) - found.keys())
    if missing:
        raise UnknownAccount(f"unknown account(s): {', '.join(missing)}")
    return found


def put_space(
    session: Session,
    space_id: str,
    *,
    kind: str,
    owner_id: str,
    declared_rating: Rating,
    members: Sequence[str] = (),
    name: str | None = None,
) -> tuple[Space, bool, list[Refused]]:
    """Create or update a space; members listed are added (each gated). Returns the space,
    whether it was created, and the children refused."""
    _accounts(session, [owner_id, *members])
    space = session.scalar(select(Space).where(Space.id == space_id).with_for_update())
    created = space is None
    if space is None:
        now = utcnow()
        space = Space(
            id=space_id,
            kind=kind,
            owner_id=owner_id,
            declared_rating=declared_rating.value,
            content_rating=Rating.U.value,
            rating=declared_rating.value,
            reasons=[],
            created_at=now,
            updated_at=now,
        )
        session.add(space)
        session.add(
            SpaceRatingChange(
                space_id=space_id,
                previous=None,
                rating=declared_rating.value,
                source="declared",
                reasons=[f"rated {declared_rating.value}: the owner declared it"],
                at=now,
            )
        )
        session.flush()
    space.kind, space.owner_id, space.name = kind, owner_id, name
    declared_changed = space.declared_rating != declared_rating.value
    space.declared_rating = declared_rating.value
    if created or declared_changed:
        rerate(session, space, source="declared")
    refused = [r for m in [owner_id, *members] if (r := add_member(session, space, m)) is not None]
    return space, created, refused


def add_member(
    session: Session, space: Space, account_id: str, invited_by: str | None = None
) -> Refused | None:
    """Add (or re-admit) a member unless the rating is above their band: then the refusal."""
    accounts = _accounts(session, [account_id, *([invited_by] if invited_by else [])])
    band = AgeBand(accounts[account_id].age_band)
    rating = Rating(space.rating)
    if not allowed(band, rating):
        session.add(
            SpaceRefusal(
                space_id=space.id,
                account_id=account_id,
                age_band=band.value,
                rating=rating.value,
                invited_by=invited_by,
            )
        )
        return Refused(account_id, rating.value, notice(rating))
    member = session.get(SpaceMember, (space.id, account_id))
    if member is None:
        member = SpaceMember(space_id=space.id, account_id=account_id, joined_at=utcnow())
        session.add(member)
    member.status, member.suspended_for, member.suspended_reason = "active", None, None
    member.invited_by = invited_by or member.invited_by
    session.flush()
    return None


def remove_member(session: Session, space: Space, account_id: str) -> bool:
    member = session.get(SpaceMember, (space.id, account_id))
    if member is None:
        return False
    session.delete(member)
    return True


def override_rating(
    session: Session, space_id: str, rating: Rating | None, reason: str, actor: str
) -> Space:
    """A moderator sets (or with None clears) the rating; never below the declared one.
    Children the rating suspended whose band the rating in force now allows are reinstated
    (only a moderator's decision does that: see `reinstate_after_review`). Audited with the
    actor, naming the reinstated, in the same transaction."""
    audit.serialise_writes(session)
    space = get_space(session, space_id, for_update=True)
    before = space.override_rating
    space.override_rating = rating.value if rating else None
    space.override_reason = reason if rating else None
    rerate(session, space, source="override", actor=actor, details={"reason": reason})
    reinstated = reinstate_after_review(session, space)
    audit.record(
        session,
        actor=actor,
        action="space.rating_override" if rating else "space.rating_override_cleared",
        target_type="space",
        target_id=space.id,
        details={
            "rating": space.override_rating,
            "before": before,
            "reason": reason,
            "reinstated": reinstated,
        },
    )
    return space


@dataclass(frozen=True, slots=True)
class UnconnectedInvites:
    """The children one account invited into a space within INVITE_WINDOW with no connection
    to them: those who joined and those the rating kept out (trying to pull children into a
    space rated above their band is the signal at its strongest), each child once."""

    space_id: str
    space_name: str
    inviter_id: str
    inviter_age_band: str
    children: tuple[str, ...]  # all of them, kept out or not
    kept_out: tuple[str, ...] = ()  # those of `children` the rating refused (none joined)

    def reason(self) -> str:
        n = len(self.children)
        hours = int(INVITE_WINDOW.total_seconds() // 3600)
        kept_out = f" ({len(self.kept_out)} kept out by the rating)" if self.kept_out else ""
        return (
            f"invited {n} {'child' if n == 1 else 'children'} with no connection to them into "
            f"'{self.space_name}' within {hours} h{kept_out}"
        )


def _invited_children(
    session: Session,
    invites: type[SpaceMember] | type[SpaceRefusal],
    at: InstrumentedAttribute[datetime],
    space_id: str,
    since: datetime,
    inviter_id: str | None,
) -> dict[str, set[str]]:
    """Per inviter, the children in `invites` (members by joining time, or refusals by refusal
    time) invited into the space since then with no connection to the inviter (connections
    are stored once, either way round)."""
    inviter, child = invites.invited_by, invites.account_id
    connected = select(Connection.account_a).where(
        or_(
            and_(Connection.account_a == inviter, Connection.account_b == child),
            and_(Connection.account_b == inviter, Connection.account_a == child),
        )
    )
    query = (
        select(inviter, child)
        .join(Account, Account.id == child)
        .where(
            invites.space_id == space_id,
            inviter.is_not(None),
            at >= since,
            Account.age_band.in_([b.value for b in AgeBand if b.is_child]),
            ~connected.exists(),
        )
    )
    if inviter_id is not None:
        query = query.where(inviter == inviter_id)
    found: dict[str, set[str]] = {}
    for invited_by, invited in session.execute(query):
        found.setdefault(str(invited_by), set()).add(invited)  # never None: filtered
    return found


def unconnected_invites(
    session: Session, space_id: str, inviter_id: str | None = None, now: datetime | None = None
) -> list[UnconnectedInvites]:
    """Per inviter (or only `inviter_id`), the children they invited into the space within
    INVITE_WINDOW who have no connection to them, whether they joined (joining time) or the
    rating kept them out (refusal time); inviters with none are left out."""
    space = get_space(session, space_id)
    since = (now or utcnow()) - INVITE_WINDOW
    joined = _invited_children(
        session, SpaceMember, SpaceMember.joined_at, space.id, since, inviter_id
    )
    refused = _invited_children(session, SpaceRefusal, SpaceRefusal.at, space.id, since, inviter_id)
    inviters = sorted(joined.keys() | refused.keys())
    bands = {
        account: band
        for account, band in session.execute(
            select(Account.id, Account.age_band).where(Account.id.in_(inviters))
        )
    }
    results = []
    for inviter in inviters:
        members = joined.get(inviter, set())
        # A child refused and later let in (the rating fell) counts once, as joined.
        kept_out = refused.get(inviter, set()) - members
        results.append(
            UnconnectedInvites(
                space.id,
                space.name or space.id,
                inviter,
                bands.get(inviter, "unknown"),
                tuple(sorted(members | kept_out)),
                tuple(sorted(kept_out)),
            )
        )
    return results
