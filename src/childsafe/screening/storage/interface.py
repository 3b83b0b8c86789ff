"""What one screening batch reads before it decides and writes after, whatever the backend."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy.engine import Connection

from childsafe.screening.records import Answer
from childsafe.spaces import SpaceWindow


class AnsweredRow(NamedTuple):
    """A message already stored: its fingerprint (to tell a retry from a reused id) and its
    answer."""

    id: str
    conversation_id: str
    sender_id: str
    recipient_ids: list[str]
    sent_at: datetime
    text: str
    response: Answer  # as stored


class AccountRow(NamedTuple):
    id: str
    age_band: str
    created_at: datetime
    settings: dict[str, Any]


class StateRow(NamedTuple):
    conversation_id: str
    risk: float
    detector_state: dict[str, Any]


@dataclass(slots=True)
class BatchReads:
    answered: list[AnsweredRow] = field(default_factory=list)
    accounts: list[AccountRow] = field(default_factory=list)
    # Connected account pairs, each sorted (smaller id first) as the connections table keeps them.
    connected: set[tuple[str, str]] = field(default_factory=set)
    states: list[StateRow] = field(default_factory=list)


@dataclass(slots=True)
class BatchWrites:
    """Rows as column -> value mappings, in foreign-key order (messages before their alerts)."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    # Detector states: rows that exist already (updated) and new ones (inserted); an insert
    # that collides with another writer's raises IntegrityError, never overwrites.
    updated_states: list[dict[str, Any]] = field(default_factory=list)
    new_states: list[dict[str, Any]] = field(default_factory=list)
    # Case intakes left to the intake worker (alert_id, arguments, created_at).
    pending_intakes: list[dict[str, Any]] = field(default_factory=list)
    # Outbox events of held or blocked messages and raised alerts (childsafe.events
    # event_row), written with the rest so they exist exactly when the batch commits.
    events: list[dict[str, Any]] = field(default_factory=list)
    # What the batch adds to its spaces' hourly rating buckets (childsafe.spaces bucket_rows:
    # one row per space and hour).
    space_buckets: list[dict[str, Any]] = field(default_factory=list)


class ScreeningStorage(Protocol):
    """Both run inside the caller's transaction; errors surface as SQLAlchemy's exceptions."""

    # True when write() is a single statement, atomic and durable on its own: the caller may
    # then run it outside a transaction (autocommit) and save the BEGIN and COMMIT.
    atomic_writes: bool

    def read(
        self,
        connection: Connection,
        *,
        message_ids: Collection[str],
        account_ids: Collection[str],
        pairs: Collection[tuple[str, str]],
        conversation_ids: Collection[str],
    ) -> BatchReads: ...

    def write(self, connection: Connection, writes: BatchWrites) -> list[SpaceWindow]:
        """Store the batch; returns the windows of the spaces its buckets touched (after the
        batch), so the caller re-rates those whose rating moved."""
        ...
