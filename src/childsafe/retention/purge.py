"""Retention: messages and images of conversations that never raised anything are deleted
once older than the window (CHILDSAFE_RETENTION_DAYS, default 30).

A conversation with an alert, a report or a hash-matched image is kept whole: a case was (or
will be) opened from it and its evidence follows the case's own retention (cases/evidence.py).
An idle conversation's detector state (which quotes excerpts) goes once it is older than the
window too. Deletion runs in small transactions so the message path never waits long on it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import InstrumentedAttribute

from childsafe.model.clock import utcnow
from childsafe.retention.scope import protected_conversations
from childsafe.store.db import Database
from childsafe.store.tables.hashbanks import StoredMedia
from childsafe.store.tables.service import ConversationState, StoredMessage

WINDOW_ENV = "CHILDSAFE_RETENTION_DAYS"
DEFAULT_WINDOW = timedelta(days=30)
CHUNK = 1000


class RetentionError(ValueError):
    pass


def configured_window(raw: str | None = None) -> timedelta:
    raw = raw if raw is not None else os.environ.get(WINDOW_ENV)
    if not raw:
        return DEFAULT_WINDOW
    try:
        days = int(raw)
    except ValueError:
        raise RetentionError(f"{WINDOW_ENV} must be a whole number of days, got {raw!r}") from None
    if days < 1:
        raise RetentionError(f"{WINDOW_ENV} must be at least 1 day, got {days}")
    return timedelta(days=days)


@dataclass(frozen=True, slots=True)
class PurgeReport:
    cutoff: datetime
    dry_run: bool
    messages: int
    media: int
    conversation_states: int

    def describe(self) -> str:
        verb = "would delete" if self.dry_run else "deleted"
        return (
            f"{verb} {self.messages} messages, {self.media} images and "
            f"{self.conversation_states} idle conversation states older than "
            f"{self.cutoff.isoformat()} (conversations with an alert, report or hash match kept)"
        )


def _purge_table(
    database: Database,
    key: InstrumentedAttribute[Any],
    conversation: InstrumentedAttribute[Any],
    moment: InstrumentedAttribute[Any],
    cutoff: datetime,
    dry_run: bool,
    *extra: Any,
) -> int:
    """Delete (or count) the expired rows of one table, CHUNK rows per transaction."""
    total = 0
    while True:
        with database.session() as session:
            ids = session.scalars(
                select(key)
                .where(
                    moment < cutoff,
                    conversation.not_in(protected_conversations(session)),
                    *extra,
                )
                .order_by(key)
                .offset(total if dry_run else 0)
                .limit(CHUNK)
            ).all()
            if not ids:
                return total
            if not dry_run:
                session.execute(delete(key.class_).where(key.in_(ids)))
            total += len(ids)


def purge(
    database: Database, window: timedelta | None = None, *, dry_run: bool = False
) -> PurgeReport:
    cutoff = utcnow() - (window or configured_window())
    messages = _purge_table(
        database,
        StoredMessage.id,
        StoredMessage.conversation_id,
        StoredMessage.received_at,
        cutoff,
        dry_run,
    )
    # Preserved images are evidence; the database would refuse their deletion anyway.
    media = _purge_table(
        database,
        StoredMedia.id,
        StoredMedia.conversation_id,
        StoredMedia.received_at,
        cutoff,
        dry_run,
        StoredMedia.evidence_preserved.is_(False),
    )
    states = _purge_table(
        database,
        ConversationState.conversation_id,
        ConversationState.conversation_id,
        ConversationState.updated_at,
        cutoff,
        dry_run,
    )
    return PurgeReport(cutoff, dry_run, messages, media, states)
