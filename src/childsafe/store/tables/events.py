"""Events area tables: the outbox, webhook subscriptions, their deliveries, the fan-out cursor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from childsafe.model.clock import utcnow
from childsafe.store.db import Base

ID = String(128)
SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")
TS = DateTime(timezone=True)


class OutboxEvent(Base):
    """A fact for the platform, written in the transaction of the change that caused it.

    `seq` is the feed's cursor (monotonic); `id` the public id receivers dedupe by.
    """

    __tablename__ = "events_outbox"
    __table_args__ = (Index("ix_events_outbox_type_seq", "type", "seq"),)

    seq: Mapped[int] = mapped_column(SEQUENCE, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime] = mapped_column(TS)
    created_at: Mapped[datetime] = mapped_column(TS, default=utcnow)


class WebhookSubscription(Base):
    """A receiver URL and the event types it wants ("*" for all), signed with its own secret."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    # Standard Webhooks secret ("whsec_" + base64); shown once when created, kept to sign.
    secret: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(TS, default=utcnow)


class WebhookDelivery(Base):
    """One event to one subscription: its state, attempts and what the receiver last said."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_seq", "subscription_id", name="uq_webhook_deliveries_event"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_subscription", "subscription_id", "event_seq"),
        # Claiming: a subscription's pending deliveries in event order, whatever the backlog.
        Index("ix_webhook_deliveries_queue", "subscription_id", "status", "event_seq"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_seq: Mapped[int] = mapped_column(SEQUENCE, ForeignKey("events_outbox.seq"))
    subscription_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    # pending (due at next_attempt_at), delivered, dead (too old, or subscription gone).
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(TS)
    last_attempt_at: Mapped[datetime | None] = mapped_column(TS)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(TS)
    # When it (re)entered the queue, by fan-out or a manual redelivery: the maximum age
    # counts from here.
    queued_at: Mapped[datetime] = mapped_column(TS, default=utcnow)


class EventCursor(Base):
    """How far a consumer of the outbox has read (the webhook fan-out keeps its place in the
    row "webhooks", created by the migration)."""

    __tablename__ = "events_cursors"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(SEQUENCE, default=0)
