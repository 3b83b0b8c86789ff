"""Rescanning stored history: what a detector model would have alerted, writing nothing.

`childsafe rescan --since --until [--model]` replays the messages sent in the period, each
conversation in its stored order, through a fresh RiskTracker and the same decision the
message path takes (`decision.decide`: contact gate, detector, policy), and compares the
alerts it would raise with those the stored history raised, per conversation and author:

- new: the rescan alerts an author the stored history never alerted in that conversation;
- same: both alerted the author (the stored alert may predate the period);
- no longer: the stored history alerted the author on a message of the period, the rescan
  does not.

Nothing is written: no messages, alerts, cases or events (`decide` only builds rows). The
messages are read in one streamed query, a block at a time, with the block's accounts,
connections and stored alerts in one read each; a conversation's detector state is dropped
once its last message is replayed, so memory holds one block and one conversation's state
whatever the period's size. Limits, stated in the report: each conversation starts afresh at
the period's first message (what came before is not replayed), and accounts and connections
are taken as they are now, not as they were when the messages were sent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from childsafe.accounts import effective_settings
from childsafe.conversations import RiskTracker
from childsafe.model import AgeBand
from childsafe.model.clock import as_utc
from childsafe.policy import Policy
from childsafe.screening.decision import ScreenedAccount, decide, pair
from childsafe.screening.records import IncomingMessage
from childsafe.screening.storage import storage_for
from childsafe.signals.grooming import GroomingModel
from childsafe.store.db import Database
from childsafe.store.tables.service import Alert, StoredMessage

MESSAGES: Table = StoredMessage.__table__  # type: ignore[assignment]
ALERTS: Table = Alert.__table__  # type: ignore[assignment]
BLOCK = 2000  # messages per block of reads

Status = Literal["new", "same", "no longer"]
STATUSES: tuple[Status, ...] = ("new", "same", "no longer")


def tracker_for(model_path: Path | None) -> RiskTracker:
    """A fresh tracker with the model at `model_path` (a `childsafe train` artifact and the
    thresholds calibrated with it), or the shipped one."""
    if model_path is None:
        return RiskTracker.default()
    return RiskTracker.with_model(GroomingModel.load(model_path))


def period_chunks(
    database: Database,
    since: datetime,
    until: datetime,
    *,
    max_messages: int,
    max_conversations: int,
) -> Iterator[tuple[list[str], int]]:
    """The period's conversations in the replay's order, cut into chunks of whole
    conversations (at most `max_conversations`, and `max_messages` unless one conversation
    alone holds more), each with its message count: the rescan's units of work for workers."""
    query = (
        select(MESSAGES.c.conversation_id, func.count())
        .where(MESSAGES.c.sent_at >= since, MESSAGES.c.sent_at < until)
        .group_by(MESSAGES.c.conversation_id)
        .order_by(MESSAGES.c.conversation_id)
    )
    chunk: list[str] = []
    counted = 0
    with database.engine.connect() as connection:
        streamed = connection.execution_options(stream_results=True, yield_per=BLOCK)
        for conversation_id, messages in streamed.execute(query):
            if chunk and (counted + messages > max_messages or len(chunk) >= max_conversations):
                yield chunk, counted
                chunk, counted = [], 0
            chunk.append(conversation_id)
            counted += messages
    if chunk:
        yield chunk, counted


@dataclass(frozen=True, slots=True)
class RescanFinding:
    """One author of one conversation whom the rescan or the stored history alerted."""

    conversation_id: str
    author_id: str
    status: Status
    # The rescan's first alert: when its message was sent and the rules' plain words.
    first_alert_at: datetime | None
    reasons: list[str]
    # The stored history's alert of this author in this conversation, if any.
    stored_alert_id: str | None
    stored_alert_at: datetime | None
    stored_reasons: list[str]

    def document(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "author_id": self.author_id,
            "status": self.status,
            "first_alert_at": _iso(self.first_alert_at),
            "reasons": self.reasons,
            "stored_alert_id": self.stored_alert_id,
            "stored_alert_at": _iso(self.stored_alert_at),
            "stored_reasons": self.stored_reasons,
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> RescanFinding:
        """The finding `document()` wrote (a worker's, read back by `rescan --nats`);
        ValueError, KeyError or TypeError for anything else."""
        if document["status"] not in STATUSES:
            raise ValueError(f"not a finding's status: {document['status']!r}")
        return cls(
            document["conversation_id"],
            document["author_id"],
            document["status"],
            _moment(document["first_alert_at"]),
            document["reasons"],
            document["stored_alert_id"],
            _moment(document["stored_alert_at"]),
            document["stored_reasons"],
        )


@dataclass(frozen=True, slots=True)
class _Alerted:
    at: datetime
    reasons: list[str]
    id: str | None = None


@dataclass(slots=True)
class Rescan:
    """One rescan of [since, until); iterate `findings()`, then read the counts."""

    database: Database
    tracker: RiskTracker
    policy: Policy
    since: datetime
    until: datetime
    # Only these conversations of the period (a worker's chunk), or all of them.
    only: Sequence[str] | None = None
    # Told (messages, conversations) after each block.
    progress: Callable[[int, int], None] | None = None
    messages: int = 0
    conversations: int = 0
    # Messages whose sender or a recipient is no longer stored (erased): not replayed.
    skipped: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("new", "same", "no longer"), 0)
    )

    def findings(self) -> Iterator[RescanFinding]:
        """Every finding, conversation by conversation, as the replay reaches it."""
        query = (
            select(
                MESSAGES.c.id,
                MESSAGES.c.conversation_id,
                MESSAGES.c.sender_id,
                MESSAGES.c.recipient_ids,
                MESSAGES.c.text,
                MESSAGES.c.sent_at,
            )
            .where(MESSAGES.c.sent_at >= self.since, MESSAGES.c.sent_at < self.until)
            .order_by(MESSAGES.c.conversation_id, MESSAGES.c.sequence)
        )
        if self.only is not None:
            query = query.where(MESSAGES.c.conversation_id.in_(self.only))
        current: str | None = None
        alerted: dict[str, _Alerted] = {}
        stored: dict[str, dict[str, _Alerted]] = {}
        with self.database.engine.connect() as reading, self.database.engine.connect() as lookup:
            streamed = reading.execution_options(stream_results=True, yield_per=BLOCK)
            for block in streamed.execute(query).partitions():
                accounts, connected = self._accounts(lookup, block)
                fresh = {row.conversation_id for row in block} - stored.keys()
                stored.update(self._stored_alerts(lookup, fresh))
                for row in block:
                    if row.conversation_id != current:
                        if current is not None:
                            yield from self._finish(current, alerted, stored.pop(current))
                        current, alerted = row.conversation_id, {}
                        self.conversations += 1
                    self._replay(row, accounts, connected, alerted)
                if self.progress is not None:
                    self.progress(self.messages, self.conversations)
        if current is not None:
            yield from self._finish(current, alerted, stored.pop(current))

    def _replay(
        self,
        row: Any,  # a stored message's row, as `findings` selects it
        accounts: dict[str, ScreenedAccount],
        connected: set[tuple[str, str]],
        alerted: dict[str, _Alerted],
    ) -> None:
        self.messages += 1
        if row.sender_id not in accounts or any(r not in accounts for r in row.recipient_ids):
            self.skipped += 1
            return
        message = IncomingMessage(
            row.id,
            row.conversation_id,
            row.sender_id,
            tuple(row.recipient_ids),
            row.text,
            as_utc(row.sent_at),
        )
        decided = decide(self.tracker, self.policy, accounts, connected, message)
        if decided.alert is not None and message.sender_id not in alerted:
            reasons = [r["description"] for r in decided.answer["reasons"] if r.get("alert")]
            alerted[message.sender_id] = _Alerted(message.sent_at, reasons)

    def _finish(
        self, conversation_id: str, alerted: dict[str, _Alerted], stored: dict[str, _Alerted]
    ) -> Iterator[RescanFinding]:
        self.tracker.forget(conversation_id)
        for author in sorted(alerted.keys() | stored.keys()):
            now, before = alerted.get(author), stored.get(author)
            if now is None:
                assert before is not None
                if not self.since <= before.at < self.until:
                    continue  # alerted before the period, which the rescan does not replay
            status: Status = "same" if now and before else "new" if now else "no longer"
            self.counts[status] += 1
            yield RescanFinding(
                conversation_id,
                author,
                status,
                now.at if now else None,
                now.reasons if now else [],
                before.id if before else None,
                before.at if before else None,
                before.reasons if before else [],
            )

    def _accounts(
        self, connection: Connection, block: Sequence[Any]
    ) -> tuple[dict[str, ScreenedAccount], set[tuple[str, str]]]:
        """The block's accounts as the message path sees them, and their connections."""
        ids = {row.sender_id for row in block}
        for row in block:
            ids.update(row.recipient_ids)
        reads = storage_for(connection.engine).read(
            connection,
            message_ids=(),
            account_ids=ids,
            pairs={pair(row.sender_id, r) for row in block for r in row.recipient_ids},
            conversation_ids=(),
        )
        accounts = {}
        for account in reads.accounts:
            band = AgeBand(account.age_band)
            accounts[account.id] = ScreenedAccount(
                account.id,
                band,
                as_utc(account.created_at),
                effective_settings(band, account.settings),
            )
        return accounts, reads.connected

    def _stored_alerts(
        self, connection: Connection, conversation_ids: set[str]
    ) -> dict[str, dict[str, _Alerted]]:
        """Each conversation's first stored alert per suspect (at any time), by author."""
        found: dict[str, dict[str, _Alerted]] = defaultdict(dict)
        for conversation_id in conversation_ids:
            found[conversation_id] = {}
        if not conversation_ids:
            return found
        rows = connection.execute(
            select(
                ALERTS.c.conversation_id,
                ALERTS.c.suspect_account_id,
                ALERTS.c.id,
                MESSAGES.c.sent_at,
                ALERTS.c.reasons,
            )
            .join(MESSAGES, MESSAGES.c.id == ALERTS.c.message_id)
            .where(ALERTS.c.conversation_id.in_(sorted(conversation_ids)))
            .order_by(MESSAGES.c.sent_at)
        )
        for conversation_id, suspect, alert_id, sent_at, reasons in rows:
            found[conversation_id].setdefault(
                suspect,
                _Alerted(
                    as_utc(sent_at),
                    [r["description"] for r in reasons if r.get("alert")],
                    alert_id,
                ),
            )
        return found


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else as_utc(moment).isoformat()


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
