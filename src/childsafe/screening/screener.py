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
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError, StatementError

from childsafe.accounts import contact_gate, effective_settings
from childsafe.conversations import RiskTracker, RiskUpdate
from childsafe.conversations.tracker import PLAIN
from childsafe.model import AgeBand, Message, Participant
from childsafe.policy import Decision, Match, Policy
from childsafe.screening.intake_worker import pending_intake
from childsafe.screening.records import (
    Answer,
    IncomingMessage,
    MessageIdReused,
    MessageNotStored,
    ScreeningError,
    ScreeningFailed,
    ScreeningUnavailable,
    UnknownAccount,
)
from childsafe.screening.signals import message_signals
from childsafe.screening.storage import AnsweredRow, BatchReads, BatchWrites, storage_for
from childsafe.store.db import Database

log = logging.getLogger("childsafe.screening")

# Conversations whose detector state stays in memory between messages (the rest reload).
DEFAULT_CACHE_CONVERSATIONS = 50_000

# ScreeningUnavailable: this message alone conflicted with a concurrent write; a retry is safe.
Outcome = Answer | ScreeningError | ScreeningUnavailable
CaseIntake = Callable[..., str]


def as_utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; everything we store is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _case_intake() -> CaseIntake | None:
    """The cases area's contract C, when that area is installed."""
    try:
        from childsafe.cases.intake import open_or_update_case
    except ImportError:
        return None
    return open_or_update_case


@dataclass(frozen=True, slots=True)
class _Account:
    id: str
    band: AgeBand
    created_at: datetime
    settings: Mapping[str, str]  # effective


@dataclass(slots=True)
class _Writes(BatchWrites):
    """The batch's rows, plus the case intakes its alerts call for (after the rows)."""

    cases: list[dict[str, Any]] = field(default_factory=list)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


class Screener:
    def __init__(
        self,
        database: Database,
        policy: Policy,
        tracker: RiskTracker,
        cache_conversations: int = DEFAULT_CACHE_CONVERSATIONS,
        defer_case_intake: bool = False,
        intake_queued: Callable[[], None] | None = None,
    ) -> None:
        """With defer_case_intake, an alert's case intake is queued in the alert's transaction
        for a CaseIntakeWorker (see intake_worker.py), and intake_queued, if given, is called
        once such a batch is stored; otherwise intake runs inside the batch's transaction."""
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
        self.case_intake = _case_intake()
        self.defer_case_intake = defer_case_intake
        self.intake_queued = intake_queued
        # Accounts as derived from their stored row (band, settings), keyed by that row.
        self._accounts: dict[str, tuple[tuple[Any, ...], _Account]] = {}

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
                pairs={_pair(m.sender_id, r) for m in messages for r in m.recipient_ids},
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
                outcomes[message.id] = self._screen_one(accounts, reads.connected, message, writes)
            self._write(writes, touched)
        # Every copy of an id (a retry, perhaps in this same batch) is held against the first,
        # stored before or first in this batch: the same message gets its answer.
        firsts: dict[str, tuple[AnsweredRow | IncomingMessage, Outcome]] = {
            row.id: (row, row.response) for row in reads.answered
        }
        firsts.update((id, (first, outcomes[id])) for id, first in fresh.items())
        return [_copy_of(*firsts[m.id], m) for m in messages]

    def _accounts_from(self, reads: BatchReads) -> dict[str, _Account]:
        accounts = {}
        for row in reads.accounts:
            # The row is read for this batch; only what is derived from it is reused.
            stored = (row.age_band, row.created_at, row.settings)
            known = self._accounts.get(row.id)
            if known is not None and known[0] == stored:
                accounts[row.id] = known[1]
                continue
            band = AgeBand(row.age_band)
            account = _Account(
                row.id, band, as_utc(row.created_at), effective_settings(band, row.settings)
            )
            if len(self._accounts) >= DEFAULT_CACHE_CONVERSATIONS:
                self._accounts.clear()
            self._accounts[row.id] = (stored, account)
            accounts[row.id] = account
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
        now = datetime.now(UTC)
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
        intake = self.case_intake
        if self.defer_case_intake:
            writes.pending_intakes = [pending_intake(case, now) for case in writes.cases]
            intake = None
        if self.storage.atomic_writes and not (intake and writes.cases):
            # One statement is its own transaction: no BEGIN and COMMIT round trips.
            with self._autocommit.connect() as connection:
                self.storage.write(connection, writes)
        else:
            with self.database.session() as session:
                self.storage.write(session.connection(), writes)
                if intake is not None:
                    for case in writes.cases:
                        intake(session, **case)
        for row in writes.new_states:
            self._loaded[str(row["conversation_id"])] = True
        if writes.pending_intakes and self.intake_queued is not None:
            self.intake_queued()

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

    # -- one message ----------------------------------------------------------------------

    def _screen_one(
        self,
        accounts: Mapping[str, _Account],
        connections: set[tuple[str, str]],
        message: IncomingMessage,
        writes: _Writes,
    ) -> Answer:
        sender = accounts[message.sender_id]
        recipients = [accounts[r] for r in message.recipient_ids]
        participants = [Participant(a.id, a.band) for a in (sender, *recipients)]
        risk_update = self.tracker.observe(
            message.conversation_id,
            Message(message.id, message.sender_id, message.text, message.sent_at.isoformat()),
            participants,
        )
        contacts = [
            contact_gate(
                sender.band,
                recipient.band,
                recipient.settings,
                _pair(sender.id, recipient.id) in connections,
            )
            for recipient in recipients
        ]
        contact = max(contacts, key=lambda c: c.contact.strictness)
        signals = message_signals(
            sender_band=sender.band,
            recipient_bands=[r.band for r in recipients],
            connected=all(c.reason == "connected" for c in contacts),
            contact=contact,
            sender_created_at=sender.created_at,
            sent_at=message.sent_at,
            update=risk_update,
        )
        decision = self.policy.evaluate(signals)
        reasons = [_reason(match, risk_update) for match in decision.matches]
        answer: Answer = {
            "verdict": decision.verdict.value,
            "reasons": reasons,
            "conversation_risk": round(risk_update.score, 4),
            "alert_id": None,
            "recipient_notice": decision.notice,
        }
        if decision.shadow_matches:
            answer["shadow_reasons"] = [
                _reason(match, risk_update) for match in decision.shadow_matches
            ]
        if decision.alert is not None:
            answer["alert_id"] = self._alert(
                message, decision, reasons, risk_update, recipients, writes
            )
        self._risk[message.conversation_id] = max(
            self._risk.get(message.conversation_id, 0.0), risk_update.score
        )
        writes.messages.append(
            {
                "id": message.id,
                "conversation_id": message.conversation_id,
                "sequence": risk_update.message_index,
                "sender_id": message.sender_id,
                "recipient_ids": list(message.recipient_ids),
                "text": message.text,
                "sent_at": message.sent_at,
                "verdict": decision.verdict.value,
                "response": answer,
            }
        )
        return answer

    def _alert(
        self,
        message: IncomingMessage,
        decision: Decision,
        reasons: list[dict[str, Any]],
        risk_update: RiskUpdate,
        recipients: Sequence[_Account],
        writes: _Writes,
    ) -> str:
        assert decision.alert is not None
        victims = [r.id for r in recipients if r.band.is_child] or [r.id for r in recipients]
        cues = sorted(
            {c.name for c in risk_update.cues}
            | {cue for reason in risk_update.reasons for cue in reason.cues}
        )
        alert_id = "alert_" + secrets.token_hex(10)
        score = round(risk_update.score, 4)
        writes.alerts.append(
            {
                "id": alert_id,
                "conversation_id": message.conversation_id,
                "suspect_account_id": message.sender_id,
                "victim_account_ids": victims,
                "message_id": message.id,
                "priority": decision.alert.value,
                "score": score,
                "rules": [m.rule.id for m in decision.matches if m.rule.alert is not None],
                "cues": cues,
                "reasons": reasons,
                "created_at": datetime.now(UTC),
            }
        )
        writes.cases.append(
            {
                "suspect_account_id": message.sender_id,
                "source": "alert",
                "source_id": alert_id,
                "victim_account_ids": victims,
                "cues": cues,
                "score": score,
                "occurred_at": message.sent_at,
            }
        )
        log.info("alert %s (%s) on message %s", alert_id, decision.alert.value, message.id)
        return alert_id


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


def _reason(match: Match, risk_update: RiskUpdate) -> dict[str, Any]:
    """One rule that matched, what it saw, and the messages/cues behind it."""
    rule = match.rule
    reason: dict[str, Any] = {
        "rule": rule.id,
        "description": rule.description,
        "verdict": rule.verdict.value,
        "signals": match.evidence,
    }
    if rule.alert is not None:
        reason["alert"] = rule.alert.value
    if rule.standard:
        reason["standard"] = rule.standard
    cue_names = {name.removeprefix("cue.") for name in match.evidence if name.startswith("cue.")}
    cues = [
        {"name": c.name, "meaning": PLAIN.get(c.name, c.name), "evidence": c.evidence,
         "as_written": c.original}
        for c in risk_update.cues
        if c.name in cue_names
    ]  # fmt: skip
    if cues:
        reason["cues"] = cues
    if not any(name.startswith("conversation.") for name in match.evidence):
        return reason
    reason["explanation"] = risk_update.explanation()
    reason["tactics"] = [
        {"tactic": t.tactic, "meaning": t.plain, "message_id": t.message_id,
         "matched": t.evidence, "as_written": t.original}
        for t in risk_update.tactics
    ]  # fmt: skip
    if risk_update.fast_path:
        reason["fast_path"] = risk_update.fast_path
    if risk_update.reasons:
        reason["messages"] = [
            {
                "message_id": r.message_id,
                "cues": list(r.cues),
                "excerpt": r.excerpt,
                "weight": r.weight,
            }
            for r in risk_update.reasons
        ]
    return reason
