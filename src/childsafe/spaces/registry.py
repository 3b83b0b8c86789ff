"""Register spaces and their members, gate children by the rating, override it (audited).

Gating (Ofcom ICU F2): a child cannot join or be added to a space rated above their age band;
the platform gets a supportive notice to show them, and the refusal is counted (transparency).
Who invited which children they are not connected to, within a day, is `unconnected_invites`:
the facts behind the policy signal `space.unconnected_children_invited` (screened in
childsafe.screening.invites).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.accounts import UnknownAccount
from childsafe.model import AgeBand
from childsafe.model.clock import utcnow
from childsafe.spaces.rating import rerate
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
                space_id=space.id, account_id=account_id, age_band=band.value, rating=rating.value
            )
        )
        return Refused(account_id, rating.value, notice(rating))
    member = session.get(SpaceMember, (space.id, account_id))
    if member is None:
        member = SpaceMember(space_id=space.id, account_id=account_id, joined_at=utcnow())
        session.add(member)
    member.status, member.suspended_reason = "active", None
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
    Audited with the calling key as the actor, in the same transaction."""
    audit.serialise_writes(session)
    space = get_space(session, space_id, for_update=True)
    before = space.override_rating
    space.override_rating = rating.value if rating else None
    space.override_reason = reason if rating else None
    audit.record(
        session,
        actor=actor,
        action="space.rating_override" if rating else "space.rating_override_cleared",
        target_type="space",
        target_id=space.id,
        details={"rating": space.override_rating, "before": before, "reason": reason},
    )
    rerate(session, space, source="override", actor=actor, details={"reason": reason})
    return space


@dataclass(frozen=True, slots=True)
class UnconnectedInvites:
    """The children one account invited into a space within INVITE_WINDOW with no connection
    to them."""

    space_id: str
    space_name: str
    inviter_id: str
    inviter_age_band: str
    children: tuple[str, ...]

    def reason(self) -> str:
        n = len(self.children)
        hours = int(INVITE_WINDOW.total_seconds() // 3600)
        return (
            f"invited {n} {'child' if n == 1 else 'children'} with no connection to them into "
            f"'{self.space_name}' within {hours} h"
        )


def unconnected_invites(
    session: Session, space_id: str, inviter_id: str | None = None, now: datetime | None = None
) -> list[UnconnectedInvites]:
    """Per inviter (or only `inviter_id`), the children they invited into the space within
    INVITE_WINDOW who have no connection to them; inviters with none are left out."""
    space = get_space(session, space_id)
    child = Account.__table__.alias("child")
    connected = select(Connection.account_a).where(
        or_(
            and_(
                Connection.account_a == SpaceMember.invited_by,
                Connection.account_b == SpaceMember.account_id,
            ),
            and_(
                Connection.account_b == SpaceMember.invited_by,
                Connection.account_a == SpaceMember.account_id,
            ),
        )
    )
    query = (
        select(SpaceMember.invited_by, SpaceMember.account_id)
        .join(child, child.c.id == SpaceMember.account_id)
        .where(
            SpaceMember.space_id == space_id,
            SpaceMember.invited_by.is_not(None),
            SpaceMember.joined_at >= (now or utcnow()) - INVITE_WINDOW,
            child.c.age_band.in_([b.value for b in AgeBand if b.is_child]),
            ~connected.exists(),
        )
        .order_by(SpaceMember.invited_by, SpaceMember.account_id)
    )
    if inviter_id is not None:
        query = query.where(SpaceMember.invited_by == inviter_id)
    children: dict[str, list[str]] = {}
    for inviter, invited in session.execute(query):
        children.setdefault(str(inviter), []).append(invited)  # never None: filtered
    bands = {
        account: band
        for account, band in session.execute(
            select(Account.id, Account.age_band).where(Account.id.in_(children))
        )
    }
    return [
        UnconnectedInvites(
            space.id, space.name or space.id, inviter, bands.get(inviter, "unknown"), tuple(kids)
        )
        for inviter, kids in children.items()
    ]
