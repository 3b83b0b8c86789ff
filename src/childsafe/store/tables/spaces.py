"""Spaces area tables: spaces (group chats, servers, channels, forums, rooms) with their age
rating, members, the rating's counters in hourly buckets, its history, and the children the
rating kept out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from childsafe.model.clock import utcnow
from childsafe.store.db import Base

ID = String(128)


class Space(Base):
    __tablename__ = "spaces"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))  # the platform's display name
    kind: Mapped[str] = mapped_column(String(16))  # group_chat | server | channel | forum | room
    owner_id: Mapped[str] = mapped_column(ID, ForeignKey("accounts.id"))
    declared_rating: Mapped[str] = mapped_column(String(2))  # U | PG | 12 | 15 | 18
    content_rating: Mapped[str] = mapped_column(String(2))  # from what flowed through it
    override_rating: Mapped[str | None] = mapped_column(String(2))
    override_reason: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str] = mapped_column(String(2), index=True)  # the one in force
    reasons: Mapped[list[str]] = mapped_column(JSON)  # why, in plain words
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SpaceMember(Base):
    __tablename__ = "space_members"

    space_id: Mapped[str] = mapped_column(
        ID, ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[str] = mapped_column(ID, ForeignKey("accounts.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(9))  # active | suspended
    invited_by: Mapped[str | None] = mapped_column(ID)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    suspended_reason: Mapped[str | None] = mapped_column(Text)
    # What suspended them ("rating": the space's rating rose above their band), so that a
    # moderator's review of the rating reinstates exactly those and no one suspended otherwise.
    suspended_for: Mapped[str | None] = mapped_column(String(16))


class SpaceRatingBucket(Base):
    """What flowed through a space in one hour (hours since the epoch): the rating's window
    is a sum of at most a week of these, so a message costs one counter update."""

    __tablename__ = "space_rating_buckets"

    space_id: Mapped[str] = mapped_column(
        ID, ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    hour: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    sexual: Mapped[int] = mapped_column(Integer, default=0)
    grooming: Mapped[int] = mapped_column(Integer, default=0)
    nudity: Mapped[int] = mapped_column(Integer, default=0)
    known_abuse: Mapped[int] = mapped_column(Integer, default=0)
    self_harm: Mapped[int] = mapped_column(Integer, default=0)


class SpaceRatingChange(Base):
    __tablename__ = "space_rating_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    space_id: Mapped[str] = mapped_column(
        ID, ForeignKey("spaces.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    previous: Mapped[str | None] = mapped_column(String(2))
    rating: Mapped[str] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(String(9))  # declared | content | override
    reasons: Mapped[list[str]] = mapped_column(JSON)
    actor: Mapped[str | None] = mapped_column(String(200))  # a moderator's key, for overrides
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SpaceRefusal(Base):
    """A child kept out of a space rated above their age band (transparency counts these)."""

    __tablename__ = "space_refusals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    space_id: Mapped[str] = mapped_column(
        ID, ForeignKey("spaces.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[str] = mapped_column(ID)
    age_band: Mapped[str] = mapped_column(String(8))
    rating: Mapped[str] = mapped_column(String(2))
    # Who tried to bring them in (the invite signal counts refused children too).
    invited_by: Mapped[str | None] = mapped_column(ID)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
