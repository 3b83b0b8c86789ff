"""Service area tables: accounts, connections, messages, conversation state, alerts, API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from childsafe.model.clock import utcnow
from childsafe.store.db import Base

ID = String(128)


class Account(Base):
    """A platform account as the platform told us about it."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    age_band: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str | None] = mapped_column(String(200))
    # When the account was opened on the platform (drives the "account age days" signal).
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # Settings the account holder chose (only what differs from the band's defaults);
    # the effective settings are computed by childsafe.accounts.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Connection(Base):
    """A mutual connection (accepted friend or message request), stored once with a < b."""

    __tablename__ = "connections"

    account_a: Mapped[str] = mapped_column(
        ID, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    account_b: Mapped[str] = mapped_column(
        ID, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StoredMessage(Base):
    """A message we gave a verdict on; the stored answer makes retries idempotent."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_sent", "conversation_id", "sequence"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ID)
    # Position in the conversation as we observed it (stable order for evidence).
    sequence: Mapped[int] = mapped_column(Integer)
    sender_id: Mapped[str] = mapped_column(ID, ForeignKey("accounts.id"))
    recipient_ids: Mapped[list[str]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    verdict: Mapped[str] = mapped_column(String(8))
    # The whole answer we returned (verdict, reasons, risk, alert id, notice).
    response: Mapped[dict[str, Any]] = mapped_column(JSON)


class ConversationState(Base):
    """The detector's per-conversation state, saved with each message so a restart continues."""

    __tablename__ = "conversation_state"

    conversation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    risk: Mapped[float] = mapped_column(Float, default=0.0)
    detector_state: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Alert(Base):
    """Raised when a policy rule with an alert priority matched a message."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_created", "created_at", "id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ID, index=True)
    suspect_account_id: Mapped[str] = mapped_column(ID, ForeignKey("accounts.id"), index=True)
    victim_account_ids: Mapped[list[str]] = mapped_column(JSON)
    message_id: Mapped[str] = mapped_column(ID, ForeignKey("messages.id"))
    priority: Mapped[str] = mapped_column(String(8))
    score: Mapped[float] = mapped_column(Float)
    rules: Mapped[list[str]] = mapped_column(JSON)
    cues: Mapped[list[str]] = mapped_column(JSON)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PendingCaseIntake(Base):
    """An alert whose case intake (contract C) is still to run. Written in the alert's own
    transaction and deleted in the intake's, so a crash between the two loses nothing."""

    __tablename__ = "pending_case_intakes"

    alert_id: Mapped[str] = mapped_column(ID, ForeignKey("alerts.id"), primary_key=True)
    # The alert's CaseEvidence (cases.intake), as CaseEvidence.to_json() writes it.
    arguments: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiKey(Base):
    """A platform API key; only the SHA-256 of the (high-entropy, random) key is stored."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the key may do (childsafe.api.auth.KeyScope values), chosen at `apikey create`.
    scopes: Mapped[list[str]] = mapped_column(JSON)
