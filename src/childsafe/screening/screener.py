"""The message path: accounts + detector + policy -> an answer, stored in one transaction.

Messages are screened in batches by one thread (see batcher.py): one transaction and one
commit per batch (group commit), and the answer is released only after that commit, so every
acknowledged answer is durable. The detector's per-conversation state is saved in the same
transaction as the messages that produced it, so a restart continues exactly where the last
commit left off. Rows are read and written by the backend's storage (storage/), a few
statements per batch, not the ORM: its per-object bookkeeping cost more than the rest of the
path together.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError, StatementError

from childsafe.accounts import UnknownAccount, effective_settings
from childsafe.cases.intake import CaseEvidence, open_or_update_cases
from childsafe.conversations import RiskTracker
from childsafe.model import AgeBand
from childsafe.model.clock import as_utc, utcnow
from childsafe.policy import Policy
from childsafe.screening.decision import ScreenedAccount, decide, pair
from childsafe.screening.intake_worker import pending_intake
from childsafe.screening.records import (
    Answer,
    IncomingMessage,
    MessageIdReused,
    MessageNotStored,
    ScreeningError,
    ScreeningFailed,
    ScreeningUnavailable,
)
from childsafe.screening.sharding import shard_of
from childsafe.screening.storage import AnsweredRow, BatchReads, BatchWrites, storage_for
from childsafe.spaces import SpaceActivity, bucket_rows, rerate_moved
from childsafe.store.db import Database

log = logging.getLogger("childsafe.screening")

# Conversations whose detector state stays in memory between messages (the rest reload).
DEFAULT_CACHE_CONVERSATIONS = 50_000

# ScreeningUnavailable: this message alone conflicted with a concurrent write; a retry is safe.
Outcome = Answer | UnknownAccount | ScreeningError | ScreeningUnavailable


@dataclass(slots=True)
class _Writes(BatchWrites):
    """The batch's rows, plus the case intakes its alerts call for (after the rows)."""

    cases: list[CaseEvidence] = field(default_factory=list)
    spaces: list[SpaceActivity] = field(default_factory=list)


class Screener:
    def __init__(
        self,
        database: Database,
        policy: Policy,
        tracker: RiskTracker,
        cache_conversations: int = DEFAULT_CACHE_CONVERSATIONS,
        defer_case_intake: bool = False,
    ) -> None:
        """With defer_case_intake, an alert's case intake is queued in the alert's transaction
        for a CaseIntakeWorker (see intake_worker.py; the Batcher wakes it); otherwise intake
        runs inside the batch's transaction."""
        self.database = database
        self.storage = storage_for(database.engine)
        # Reads and single-statement writes: each statement commits on its own.
        self._autocommit = database.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.policy = policy
        self.tracker = tracker
        self.cache_conversations = cache_conversations
        # Conversations loaded into the tracker, with whether a state row exists for them.
        self._loaded: OrderedDict[str, bool] = OrderedDict()
        # Highest risk seen per loaded conversation (kept in the state row for listings).
        self._risk: dict[str, float] = {}
        self.defer_case_intake = defer_case_intake
        # Accounts as derived from their stored row (band, settings), keyed by that row; the
        # least recently screened go first, two per cached conversation being the bound.
        self._accounts: OrderedDict[str, tuple[tuple[Any, ...], ScreenedAccount]] = OrderedDict()

    # -- one batch, one transaction -------------------------------------------------------

    def screen_batch(self, messages: Sequence[IncomingMessage]) -> list[Outcome]:
        """Answer every message; one commit for the batch, or one per message when the batch
        fails, so that only a message that fails on its own gets an error."""
        touched: set[str] = set()
        try:
            outcomes = self._screen(messages, touched)
        except OperationalError:
            # The database is unreachable: every message would fail alike.
            self._unload(touched)
            raise
        except Exception as error:
            # Another process stored one of these ids first, an account vanished, or one
            # message cannot be stored (or screened): redo one message per transaction.
            self._unload(touched)
            log.info("batch of %d failed (%s); retrying one by one", len(messages), _kind(error))
            outcomes = [self._screen_alone(message) for message in messages]
        self._evict()
        return outcomes

    def _screen_alone(self, message: IncomingMessage) -> Outcome:
        touched: set[str] = set()
        try:
            return self._screen([message], touched)[0]
        except OperationalError:
            self._unload(touched)
            raise
        except IntegrityError:
            self._unload(touched)
            with self._autocommit.connect() as connection:
                reads = self.storage.read(
                    connection,
                    message_ids=[message.id],
                    account_ids=(),
                    pairs=(),
                    conversation_ids=(),
                )
            for row in reads.answered:
                return _copy_of(row, row.response, message)
            return ScreeningUnavailable(
                f"message {message.id!r} conflicted with a concurrent change (an account "
                "removed, or its conversation written elsewhere)"
            )
        except (StatementError, UnicodeError) as error:
            # Parameters stay out of the log: they hold the message's text.
            self._unload(touched)
            log.warning("message %r could not be stored (%s)", message.id, _kind(error))
            return MessageNotStored(
                f"message {message.id!r} could not be stored: the database refused its "
                f"content ({_kind(error)}); nothing was stored"
            )
        except Exception as error:
            self._unload(touched)
            log.exception("screening message %r failed", message.id, exc_info=error)
            return ScreeningFailed(
                f"screening message {message.id!r} failed (logged); nothing was stored"
            )

    def _screen(self, messages: Sequence[IncomingMessage], touched: set[str]) -> list[Outcome]:
        # Everything the batch may need in one read: a retried message costs a few extra rows.
        # The read needs no transaction of its own: under READ COMMITTED a transaction spanning
        # read and write would guarantee nothing more, and whatever changes in between (an id
        # stored by another process, a state row created) fails the write's constraints, which
        # retries message by message (screen_batch).
        account_ids = {m.sender_id for m in messages}
        for m in messages:
            account_ids.update(m.recipient_ids)
        with self._autocommit.connect() as connection:
            reads = self.storage.read(
                connection,
                message_ids={m.id for m in messages},
                account_ids=account_ids,
                pairs={pair(m.sender_id, r) for m in messages for r in m.recipient_ids},
                conversation_ids=self._uncached({m.conversation_id for m in messages}),
            )
        stored = {row.id for row in reads.answered}
        outcomes: dict[str, Outcome] = {}
        fresh: dict[str, IncomingMessage] = {}
        for message in messages:
            if message.id not in stored:
                fresh.setdefault(message.id, message)
        if fresh:
            accounts = self._accounts_from(reads)
            self._load_states(reads, {m.conversation_id for m in fresh.values()})
            writes = _Writes()
            for message in fresh.values():
                missing = sorted({message.sender_id, *message.recipient_ids} - accounts.keys())
                if missing:
                    outcomes[message.id] = UnknownAccount(
                        f"unknown account(s): {', '.join(missing)} "
                        "(register them with PUT /v1/accounts/{id} first)"
                    )
                    continue
                touched.add(message.conversation_id)
                decided = decide(self.tracker, self.policy, accounts, reads.connected, message)
                self._risk[message.conversation_id] = max(
                    self._risk.get(message.conversation_id, 0.0), decided.risk
                )
                writes.messages.append(decided.message_row)
                writes.events.extend(decided.events)
                if decided.alert is not None:
                    writes.alerts.append(decided.alert.row)
                    writes.cases.append(decided.alert.case_evidence)
                outcomes[message.id] = decided.answer
                if message.space_id is not None:
                    writes.spaces.append(
                        SpaceActivity(message.space_id, message.sent_at, decided.cues)
                    )
            self._write(writes, touched)
        # Every copy of an id (a retry, perhaps in this same batch) is held against the first,
        # stored before or first in this batch: the same message gets its answer.
        firsts: dict[str, tuple[AnsweredRow | IncomingMessage, Outcome]] = {
            row.id: (row, row.response) for row in reads.answered
        }
        firsts.update((id, (first, outcomes[id])) for id, first in fresh.items())
        return [_copy_of(*firsts[m.id], m) for m in messages]

    def _accounts_from(self, reads: BatchReads) -> dict[str, ScreenedAccount]:
        accounts = {}
        for row in reads.accounts:
            # The row is read for this batch; only what is derived from it is reused.
            stored = (row.age_band, row.created_at, row.settings)
            known = self._accounts.get(row.id)
            if known is not None and known[0] == stored:
                self._accounts.move_to_end(row.id)
                accounts[row.id] = known[1]
                continue
            band = AgeBand(row.age_band)
            account = ScreenedAccount(
                row.id, band, as_utc(row.created_at), effective_settings(band, row.settings)
            )
            self._accounts[row.id] = (stored, account)
            self._accounts.move_to_end(row.id)
            accounts[row.id] = account
        while len(self._accounts) > 2 * self.cache_conversations:
            self._accounts.popitem(last=False)
        return accounts

    # -- detector state -------------------------------------------------------------------

    def _uncached(self, conversation_ids: Iterable[str]) -> list[str]:
        return [c for c in conversation_ids if c not in self._loaded]

    def _load_states(self, reads: BatchReads, conversation_ids: Iterable[str]) -> None:
        """Bring the fresh messages' conversations into the tracker (read in this batch)."""
        needed = []
        for conversation_id in conversation_ids:
            if conversation_id in self._loaded:
                self._loaded.move_to_end(conversation_id)
            else:
                needed.append(conversation_id)
        if not needed:
            return
        found = {row.conversation_id: row for row in reads.states}
        for conversation_id in needed:
            row = found.get(conversation_id)
            if row is None:
                self.tracker.forget(conversation_id)
                self._loaded[conversation_id] = False
            else:
                self.tracker.import_state(conversation_id, row.detector_state)
                self._loaded[conversation_id] = True
                self._risk[conversation_id] = row.risk

    def _write(self, writes: _Writes, touched: Iterable[str]) -> None:
        """Store the batch: committed when this returns (acknowledging is then safe)."""
        now = utcnow()
        for conversation_id in touched:
            state = self.tracker.export_state(conversation_id)
            row = {
                "conversation_id": conversation_id,
                "message_count": int(state.get("messages", 0)),
                "risk": self._risk.get(conversation_id, 0.0),
                "detector_state": state,
                "updated_at": now,
            }
            if self._loaded.get(conversation_id):
                writes.updated_states.append(row)
            else:
                writes.new_states.append(row)
        intake_in_line = bool(writes.cases) and not self.defer_case_intake
        if self.defer_case_intake:
            writes.pending_intakes = [pending_intake(case, now) for case in writes.cases]
        writes.space_buckets = bucket_rows(writes.spaces)
        if self.storage.atomic_writes and not intake_in_line:
            # One statement is its own transaction: no BEGIN and COMMIT round trips.
            with self._autocommit.connect() as connection:
                windows = self.storage.write(connection, writes)
            moved = [window for window in windows if window.moved()]
            if moved:
                with _space_ratings_are_statistics(), self.database.session() as session:
                    rerate_moved(session, moved)
        else:
            with self.database.session() as session:
                windows = self.storage.write(session.connection(), writes)
                if intake_in_line:
                    open_or_update_cases(session, writes.cases)
                moved = [window for window in windows if window.moved()]
                if moved:
                    # Behind a savepoint: re-rating a space never fails the messages.
                    with _space_ratings_are_statistics(), session.begin_nested():
                        rerate_moved(session, moved)
        for row in writes.new_states:
            self._loaded[str(row["conversation_id"])] = True

    def forget_shard(self, shard: int, shards: int) -> None:
        """Drop the detector state held for one shard's conversations (a stream partition this
        worker gave up): another worker may screen them next, so if they come back here their
        state is read from the database again."""
        self._unload([c for c in self._loaded if shard_of(c, shards) == shard])

    def _unload(self, conversation_ids: Iterable[str]) -> None:
        """Memory may be ahead of a rolled-back transaction: reload from the database."""
        for conversation_id in conversation_ids:
            self.tracker.forget(conversation_id)
            self._loaded.pop(conversation_id, None)
            self._risk.pop(conversation_id, None)

    def _evict(self) -> None:
        while len(self._loaded) > self.cache_conversations:
            conversation_id, _ = self._loaded.popitem(last=False)
            self.tracker.forget(conversation_id)
            self._risk.pop(conversation_id, None)


@contextmanager
def _space_ratings_are_statistics() -> Iterator[None]:
    """Re-rating a space never fails or holds back a batch's answers: an error is logged."""
    try:
        yield
    except SQLAlchemyError:
        log.exception("space ratings not re-rated for a batch (its messages are stored)")


def _copy_of(
    first: AnsweredRow | IncomingMessage, answer: Outcome, again: IncomingMessage
) -> Outcome:
    """`first`'s answer for the same message again; a 409 for another under its id."""
    return answer if _same_message(first, again) else _reused(again)


def _same_message(first: AnsweredRow | IncomingMessage, again: IncomingMessage) -> bool:
    """The message's fingerprint: where, who to whom (in any order), when, and what."""
    return (
        first.conversation_id == again.conversation_id
        and first.sender_id == again.sender_id
        and sorted(first.recipient_ids) == sorted(again.recipient_ids)
        and as_utc(first.sent_at) == as_utc(again.sent_at)
        and first.text == again.text
    )


def _reused(message: IncomingMessage) -> MessageIdReused:
    return MessageIdReused(
        f"message id {message.id!r} was already used for a different message (conversation, "
        "sender, recipients, sent_at and text must all match for a retry)"
    )


def _kind(error: BaseException) -> str:
    """What went wrong, without the SQL parameters SQLAlchemy puts in its messages."""
    original = getattr(error, "orig", None)
    return type(original if isinstance(original, BaseException) else error).__name__
