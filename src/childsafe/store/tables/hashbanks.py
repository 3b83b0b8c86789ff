"""Images area tables: hash banks and their entries, posted media, and hash matches."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from childsafe.model.clock import utcnow
from childsafe.store.db import Base

ID = String(128)


class HashBank(Base):
    """A named list of hashes from one source: matched against ("match") or never matched
    ("allow": hashes of known false positives that suppress matches)."""

    __tablename__ = "hash_banks"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # match | allow
    source: Mapped[str] = mapped_column(String(500))
    # The date the source published or gave us this list (not when we imported it).
    source_date: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    pdq_threshold: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Bumped on every change to the bank or its entries; matchers reload when it moves.
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HashEntry(Base):
    __tablename__ = "hash_entries"
    __table_args__ = (UniqueConstraint("bank_id", "kind", "value", name="uq_hash_entries_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bank_id: Mapped[str] = mapped_column(ID, ForeignKey("hash_banks.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # pdq | md5 | sha256 | vpdq
    value: Mapped[str] = mapped_column(String(64))  # lower-case hex (vpdq: SHA-256 of frames)
    label: Mapped[str | None] = mapped_column(String(500))  # the source's id or tags
    # vpdq only: the video's frames, threatexchange's signal string (hashbanks_0004).
    frames: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StoredMedia(Base):
    """An image the platform posted, with our answer. Bytes are kept for moderators (shown
    blurred until clicked) and, on a known-hash match, as preserved evidence."""

    __tablename__ = "media"
    __table_args__ = (Index("ix_media_conversation", "conversation_id", "received_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ID)
    sender_id: Mapped[str] = mapped_column(ID, ForeignKey("accounts.id"), index=True)
    recipient_ids: Mapped[list[str]] = mapped_column(JSON)
    content_type: Mapped[str] = mapped_column(String(32))
    byte_size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    md5: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pdq: Mapped[str] = mapped_column(String(64))
    pdq_quality: Mapped[int] = mapped_column(Integer)  # a video's: its first good frame's
    # A video's vPDQ frames, threatexchange's signal string (hashbanks_0004); NULL for images.
    vpdq: Mapped[str | None] = mapped_column(Text)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    verdict: Mapped[str] = mapped_column(String(8))
    # The whole answer we returned (verdict, reasons, matches, nudity, notice, case id).
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    evidence_preserved: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HashMatch(Base):
    """One posted image matching one bank entry, and a moderator's confirm/reject of it."""

    __tablename__ = "hash_matches"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    media_id: Mapped[str] = mapped_column(ID, ForeignKey("media.id"), index=True)
    bank_id: Mapped[str] = mapped_column(ID, ForeignKey("hash_banks.id"))
    entry_id: Mapped[int] = mapped_column(Integer, ForeignKey("hash_entries.id"))
    kind: Mapped[str] = mapped_column(String(8))
    distance: Mapped[int] = mapped_column(Integer)
    transform: Mapped[str] = mapped_column(String(24))
    case_id: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    feedback: Mapped[str | None] = mapped_column(String(9))  # confirmed | rejected
    feedback_by: Mapped[str | None] = mapped_column(String(200))
    feedback_note: Mapped[str | None] = mapped_column(Text)
    feedback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
