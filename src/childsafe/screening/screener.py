"""The message path: accounts + detector + policy -> an answer, stored in one transaction.

Messages are screened in batches by one thread (see batcher.py): one transaction and one
commit per batch (group commit), and the answer is released only after that commit, so every
acknowledged answer is durable. The detector's per-conversation state is saved in the same
transaction as the messages that produced it, so a restart continues exactly where the last
commit left off.
"""

from __future__ import annotations

import logging
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from childsafe.accounts import Contact, contact_gate, effective_settings
from childsafe.conversations import RiskTracker, RiskUpdate
from childsafe.model import AgeBand, Message, Participant
from childsafe.policy import Decision, Match, Policy
from childsafe.screening.records import (
    Answer,
    IncomingMessage,
    MessageIdReused,
    ScreeningError,
    UnknownAccount,
)
from childsafe.screening.signals import message_signals
from childsafe.store.db import Database
from childsafe.store.tables.service import (
    Account,
    Alert,
    Connection,
    ConversationState,
    StoredMessage,
)

log = logging.getLogger("childsafe.screening")

# Conversations whose detector state stays in memory between messages (the rest reload).
DEFAULT_CACHE_CONVERSATIONS = 50_000

Outcome = Answer | ScreeningError
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


@dataclass(slots=True)
class _Batch:
    """What one transaction needs, loaded with a few queries for the whole batch."""

    accounts: dict[str, Account]
    connections: set[tuple[str, str]]


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


class Screener:
    def __init__(
        self,
        database: Database,
        policy: Policy,
        tracker: RiskTracker,
        cache_conversations: int = DEFAULT_CACHE_CONVERSATIONS,
    ) -> None:
        self.database = database
        self.policy = policy
        self.tracker = tracker
        self.cache_conversations = cache_conversations
        # Conversations loaded into the tracker, with whether a state row exists for them.
        self._loaded: OrderedDict[str, bool] = OrderedDict()
        # Highest risk seen per loaded conversation (kept in the state row for listings).
        self._risk: dict[str, float] = {}
        self.case_intake = _case_intake()

    # -- one batch, one transaction -------------------------------------------------------

    def screen_batch(self, messages: Sequence[IncomingMessage]) -> list[Outcome]:
        """Answer every message; one commit for the batch, or one per message on conflict."""
        touched: set[str] = set()
        try:
            with self.database.session() as session:
                outcomes = self._screen(session, messages, touched)
        except IntegrityError:
            # Another process stored one of these ids first (or an account vanished): redo
            # one message per transaction so each gets its own correct answer.
            self._unload(touched)
            log.info("batch of %d hit a conflict; retrying one by one", len(messages))
            return [self._screen_alone(message) for message in messages]
        except Exception:
            self._unload(touched)
            raise
        self._evict()
        return outcomes

    def _screen_alone(self, message: IncomingMessage) -> Outcome:
        touched: set[str] = set()
        try:
            with self.database.session() as session:
                return self._screen(session, [message], touched)[0]
        except IntegrityError:
            self._unload(touched)
            with self.database.session() as session:
                stored = session.get(StoredMessage, message.id)
                if stored is not None:
                    return self._replay(stored, message)
            raise

    def _screen(
        self, session: Session, messages: Sequence[IncomingMessage], touched: set[str]
    ) -> list[Outcome]:
        outcomes: dict[str, Outcome] = self._already_answered(session, messages)
        fresh: dict[str, IncomingMessage] = {}
        for message in messages:
            if message.id not in outcomes:
                fresh.setdefault(message.id, message)
        if fresh:
            batch = self._load(session, fresh.values())
            self._load_states(session, {m.conversation_id for m in fresh.values()})
            for message in fresh.values():
                missing = sorted(
                    {message.sender_id, *message.recipient_ids} - batch.accounts.keys()
                )
                if missing:
                    outcomes[message.id] = UnknownAccount(
                        f"unknown account(s): {', '.join(missing)} "
                        "(register them with PUT /v1/accounts/{id} first)"
                    )
                    continue
                touched.add(message.conversation_id)
                outcomes[message.id] = self._screen_one(session, batch, message)
            self._save_states(session, touched)
        # The same id twice in one batch (a fast retry) gets the first one's answer.
        return [
            outcomes[m.id] if m.id not in fresh or _same_message(fresh[m.id], m) else _reused(m)
            for m in messages
        ]

    def _already_answered(
        self, session: Session, messages: Sequence[IncomingMessage]
    ) -> dict[str, Outcome]:
        ids = {m.id for m in messages}
        stored = {
            s.id: s for s in session.scalars(select(StoredMessage).where(StoredMessage.id.in_(ids)))
        }
        return {m.id: self._replay(stored[m.id], m) for m in messages if m.id in stored}

    @staticmethod
    def _replay(stored: StoredMessage, message: IncomingMessage) -> Outcome:
        return stored.response if _same_message(stored, message) else _reused(message)

    def _load(self, session: Session, messages: Iterable[IncomingMessage]) -> _Batch:
        messages = list(messages)
        account_ids = {m.sender_id for m in messages}
        for m in messages:
            account_ids.update(m.recipient_ids)
        accounts = {
            a.id: a for a in session.scalars(select(Account).where(Account.id.in_(account_ids)))
        }
        pairs = {_pair(m.sender_id, r) for m in messages for r in m.recipient_ids}
        rows = session.execute(
            select(Connection.account_a, Connection.account_b).where(
                tuple_(Connection.account_a, Connection.account_b).in_(pairs)
            )
        )
        return _Batch(accounts, {(a, b) for a, b in rows})

    # -- detector state -------------------------------------------------------------------

    def _load_states(self, session: Session, conversation_ids: Iterable[str]) -> None:
        needed = [c for c in conversation_ids if c not in self._loaded]
        for conversation_id in conversation_ids:
            if conversation_id in self._loaded:
                self._loaded.move_to_end(conversation_id)
        if not needed:
            return
        rows = session.scalars(
            select(ConversationState).where(ConversationState.conversation_id.in_(needed))
        )
        found = set()
        for row in rows:
            self.tracker.import_state(row.conversation_id, row.detector_state)
            self._risk[row.conversation_id] = row.risk
            self._loaded[row.conversation_id] = True
            found.add(row.conversation_id)
        for conversation_id in needed:
            if conversation_id not in found:
                self.tracker.forget(conversation_id)
                self._loaded[conversation_id] = False

    def _save_states(self, session: Session, conversation_ids: Iterable[str]) -> None:
        existing: list[dict[str, Any]] = []
        new: list[dict[str, Any]] = []
        for conversation_id in conversation_ids:
            state = self.tracker.export_state(conversation_id)
            row = {
                "conversation_id": conversation_id,
                "message_count": int(state.get("messages", 0)),
                "risk": self._risk.get(conversation_id, 0.0),
                "detector_state": state,
                "updated_at": datetime.now(UTC),
            }
            (existing if self._loaded.get(conversation_id) else new).append(row)
        if existing:
            session.execute(update(ConversationState), existing)
        if new:
            session.add_all(ConversationState(**row) for row in new)
        session.flush()
        for row in new:
            self._loaded[str(row["conversation_id"])] = True

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

    def _screen_one(self, session: Session, batch: _Batch, message: IncomingMessage) -> Answer:
        sender = batch.accounts[message.sender_id]
        recipients = [batch.accounts[r] for r in message.recipient_ids]
        sender_band = AgeBand(sender.age_band)
        bands = {a.id: AgeBand(a.age_band) for a in (sender, *recipients)}
        participants = [Participant(account_id, band) for account_id, band in bands.items()]
        risk_update = self.tracker.observe(
            message.conversation_id,
            Message(message.id, message.sender_id, message.text, message.sent_at.isoformat()),
            participants,
        )
        contacts = [
            contact_gate(
                sender_band,
                AgeBand(recipient.age_band),
                effective_settings(AgeBand(recipient.age_band), recipient.settings),
                _pair(sender.id, recipient.id) in batch.connections,
            )
            for recipient in recipients
        ]
        contact = max(contacts, key=lambda c: c.contact.strictness)
        connected = all(c.reason == "connected" for c in contacts)
        signals = message_signals(
            sender_band=sender_band,
            recipient_bands=[AgeBand(r.age_band) for r in recipients],
            connected=connected,
            contact=contact,
            sender_created_at=as_utc(sender.created_at),
            sent_at=as_utc(message.sent_at),
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
        session.add(
            StoredMessage(
                id=message.id,
                conversation_id=message.conversation_id,
                sequence=risk_update.message_index,
                sender_id=message.sender_id,
                recipient_ids=list(message.recipient_ids),
                text=message.text,
                sent_at=message.sent_at,
                verdict=decision.verdict.value,
                response=answer,
            )
        )
        self._risk[message.conversation_id] = max(
            self._risk.get(message.conversation_id, 0.0), risk_update.score
        )
        if decision.alert is not None:
            answer["alert_id"] = self._raise_alert(
                session, message, decision, reasons, risk_update, recipients, contact.contact
            )
        return answer

    def _raise_alert(
        self,
        session: Session,
        message: IncomingMessage,
        decision: Decision,
        reasons: list[dict[str, Any]],
        risk_update: RiskUpdate,
        recipients: Sequence[Account],
        contact: Contact,
    ) -> str:
        assert decision.alert is not None
        victims = [r.id for r in recipients if AgeBand(r.age_band).is_child] or [
            r.id for r in recipients
        ]
        cues = sorted(
            {c.name for c in risk_update.cues}
            | {cue for reason in risk_update.reasons for cue in reason.cues}
        )
        alert = Alert(
            id="alert_" + secrets.token_hex(10),
            conversation_id=message.conversation_id,
            suspect_account_id=message.sender_id,
            victim_account_ids=victims,
            message_id=message.id,
            priority=decision.alert.value,
            score=round(risk_update.score, 4),
            rules=[m.rule.id for m in decision.matches if m.rule.alert is not None],
            cues=cues,
            reasons=reasons,
            created_at=datetime.now(UTC),
        )
        session.flush()  # the message row first: the alert (and a case) point at it
        session.add(alert)
        if self.case_intake is not None:
            session.flush()
            self.case_intake(
                session,
                suspect_account_id=message.sender_id,
                source="alert",
                source_id=alert.id,
                victim_account_ids=victims,
                cues=cues,
                score=alert.score,
                occurred_at=as_utc(message.sent_at),
            )
        log.info(
            "alert %s (%s) on message %s, contact %s", alert.id, alert.priority, message.id, contact
        )
        return alert.id


def _same_message(first: StoredMessage | IncomingMessage, again: IncomingMessage) -> bool:
    return (
        first.conversation_id == again.conversation_id
        and first.sender_id == again.sender_id
        and first.text == again.text
    )


def _reused(message: IncomingMessage) -> MessageIdReused:
    return MessageIdReused(f"message id {message.id!r} was already used for a different message")


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
        {"name": c.name, "evidence": c.evidence} for c in risk_update.cues if c.name in cue_names
    ]
    if cues:
        reason["cues"] = cues
    if any(name.startswith("conversation.") for name in match.evidence) and risk_update.reasons:
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
