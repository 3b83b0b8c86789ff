"""Spaces: PUT/GET /v1/spaces/{id}, PUT/DELETE its members, and a moderator's rating override.

Registering and gating are the platform's (ingest scope); an override is a moderator's
(moderation scope), audited with the calling key. A child refused entry gets a 403 whose
`details` carry the supportive notice to show them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from childsafe.accounts import UnknownAccount
from childsafe.api.auth import IngestKey, ModerationKey
from childsafe.api.deps import SessionDep, strict_query
from childsafe.api.errors import MAX_BODY_BYTES, error_body, error_responses
from childsafe.api.fields import PlatformId
from childsafe.model.clock import as_utc
from childsafe.policy import Policy
from childsafe.runtime import settings
from childsafe.screening.invites import invite_findings, screen_invite
from childsafe.spaces.listing import space_detail
from childsafe.spaces.ratings import Rating
from childsafe.spaces.registry import (
    KINDS,
    Refused,
    SpaceNotFound,
    add_member,
    get_space,
    override_rating,
    put_space,
    remove_member,
)
from childsafe.store.tables.spaces import Space, SpaceMember

router = APIRouter(
    prefix="/v1/spaces",
    tags=["spaces"],
    max_body_size=MAX_BODY_BYTES,
    dependencies=[Depends(strict_query)],
)

SpaceId = Annotated[PlatformId, Path(description="the platform's id for the space")]


def _policy(request: Request) -> Policy:
    return settings.policy(request.app.state)


# The app's policy: invites into a space are screened by its rules.
AppPolicy = Annotated[Policy, Depends(_policy)]
AccountId = Annotated[PlatformId, Path(description="the member's account id")]


class SpaceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal[KINDS]  # type: ignore[valid-type]
    name: str | None = Field(
        default=None, min_length=1, max_length=200, description="the space's display name"
    )
    owner_id: PlatformId
    declared_rating: Rating = Field(
        default=Rating.U, description="the owner's rating: the space is never rated below it"
    )
    members: list[PlatformId] = Field(default_factory=list, max_length=1000)


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invited_by: PlatformId | None = Field(
        default=None, description="the account that invited them (for the invite signal)"
    )


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Rating | None = Field(description="null clears the override")
    reason: str = Field(min_length=3, max_length=2000)


class MemberOut(BaseModel):
    account_id: str
    status: str
    invited_by: str | None
    joined_at: datetime
    suspended_reason: str | None


class MemberAddedOut(MemberOut):
    notice: str | None = Field(
        description="for the member to see: set when their invite matched a rule (an adult "
        "inviting several children they are not connected to)"
    )


class RefusedOut(BaseModel):
    account_id: str
    rating: str
    notice: str


class RatingChangeOut(BaseModel):
    at: datetime
    previous: str | None
    rating: str
    source: str
    reasons: list[str]
    actor: str | None


class SpaceOut(BaseModel):
    id: str
    name: str | None
    kind: str
    owner_id: str
    rating: Rating = Field(description="the rating in force")
    reasons: list[str] = Field(description="why, in plain words")
    declared_rating: Rating
    content_rating: Rating = Field(description="what the last 7 days' content calls for")
    override_rating: Rating | None
    window: dict[str, int] = Field(description="what the rating counted over the last 7 days")
    members: list[MemberOut]
    refused: list[RefusedOut] = Field(default_factory=list, description="children kept out now")
    signals: list[dict[str, Any]] = Field(
        description="inviters whose invites matched a rule (space.unconnected_children_invited)"
    )
    history: list[RatingChangeOut]


def _member(member: SpaceMember) -> MemberOut:
    return MemberOut(
        account_id=member.account_id,
        status=member.status,
        invited_by=member.invited_by,
        joined_at=as_utc(member.joined_at),
        suspended_reason=member.suspended_reason,
    )


def _view(
    session: Session, space: Space, policy: Policy, refused: list[Refused] | None = None
) -> SpaceOut:
    shown = space_detail(session, space.id)
    counts = shown.counts
    return SpaceOut(
        id=space.id,
        name=space.name,
        kind=space.kind,
        owner_id=space.owner_id,
        rating=shown.rating,
        reasons=shown.reasons,
        declared_rating=Rating(space.declared_rating),
        content_rating=shown.content,
        override_rating=Rating(space.override_rating) if space.override_rating else None,
        window=counts._asdict(),
        members=[_member(m) for m in shown.members],
        refused=[
            RefusedOut(account_id=r.account_id, rating=r.rating, notice=r.notice)
            for r in refused or []
        ],
        signals=[finding.document() for finding in invite_findings(session, policy, space.id)],
        history=[
            RatingChangeOut(
                at=as_utc(change.at),
                previous=change.previous,
                rating=change.rating,
                source=change.source,
                reasons=change.reasons,
                actor=change.actor,
            )
            for change in shown.history
        ],
    )


def _space(session: Session, space_id: str, *, for_update: bool = False) -> Space:
    try:
        return get_space(session, space_id, for_update=for_update)
    except SpaceNotFound as error:
        raise HTTPException(404, str(error)) from error


@router.put("/{space_id}", response_model=SpaceOut, responses=error_responses(404))
def put(
    space_id: SpaceId,
    body: SpaceIn,
    session: SessionDep,
    response: Response,
    policy: AppPolicy,
    _key: IngestKey,
) -> SpaceOut:
    """Register or update a space. Listed members are added one by one; a child the rating
    keeps out is listed under `refused` with the notice to show them."""
    try:
        space, created, refused = put_space(
            session,
            space_id,
            kind=body.kind,
            owner_id=body.owner_id,
            declared_rating=body.declared_rating,
            members=body.members,
            name=body.name,
        )
    except UnknownAccount as error:
        raise HTTPException(404, error.message) from error
    if created:
        response.status_code = status.HTTP_201_CREATED
    return _view(session, space, policy, refused)


@router.get("/{space_id}", response_model=SpaceOut, responses=error_responses(404))
def get(space_id: SpaceId, session: SessionDep, policy: AppPolicy, _key: IngestKey) -> SpaceOut:
    """The rating in force and why, what it counted, members, signals and the history."""
    return _view(session, _space(session, space_id), policy)


@router.put(
    "/{space_id}/members/{account_id}",
    response_model=MemberAddedOut,
    responses=error_responses(403, 404),
)
def put_member(
    space_id: SpaceId,
    account_id: AccountId,
    session: SessionDep,
    policy: AppPolicy,
    _key: IngestKey,
    body: MemberIn | None = None,
) -> Any:
    """Add a member. A child whose age band the rating is above is refused (403): show them
    the supportive notice in `error.details[0].notice`. An invite (`invited_by`) is screened,
    refused or not: an adult inviting several children they are not connected to is put in
    the moderators' queue, and a member's answer carries a `notice` for them."""
    space = _space(session, space_id)
    invited_by = body.invited_by if body else None
    try:
        refused = add_member(session, space, account_id, invited_by)
    except UnknownAccount as error:
        raise HTTPException(404, error.message) from error
    # Screened whether the child joined or was kept out: trying to pull children into a space
    # rated above their band counts toward the invite signal too.
    finding = screen_invite(session, policy, space.id, invited_by) if invited_by else None
    if refused is not None:
        # Returned, not raised: the request's transaction commits, so the refusal is counted.
        return error_body(
            403,
            f"{account_id} may not join {space_id}: it is rated {refused.rating}, above their "
            "age band",
            [{"account_id": account_id, "rating": refused.rating, "notice": refused.notice}],
        )
    member = session.get(SpaceMember, (space.id, account_id))
    assert member is not None
    notice = finding.decision.notice if finding else None
    return MemberAddedOut(**_member(member).model_dump(), notice=notice)


@router.delete("/{space_id}/members/{account_id}", status_code=204, responses=error_responses(404))
def delete_member(
    space_id: SpaceId, account_id: AccountId, session: SessionDep, _key: IngestKey
) -> Response:
    if not remove_member(session, _space(session, space_id), account_id):
        raise HTTPException(404, f"{account_id} is not a member of {space_id}")
    return Response(status_code=204)


@router.post("/{space_id}/rating-override", response_model=SpaceOut, responses=error_responses(404))
def post_override(
    space_id: SpaceId, body: OverrideIn, session: SessionDep, policy: AppPolicy, key: ModerationKey
) -> SpaceOut:
    """A moderator sets the rating (never below the declared one) or clears it (`null`).
    Audited with the calling key as the actor."""
    try:
        space = override_rating(session, space_id, body.rating, body.reason, key.actor)
    except SpaceNotFound as error:
        raise HTTPException(404, str(error)) from error
    return _view(session, space, policy)
