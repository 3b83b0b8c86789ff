"""One message's decision: contact gate + detector + policy -> its answer and the rows to store.

Pure in-memory work on what the batch read (screener.py reads and writes the rows): the
detector's state for the conversation advances here, so a caller whose write fails must drop
that state (Screener._unload).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from childsafe.accounts import contact_gate
from childsafe.cases.intake import CaseEvidence
from childsafe.conversations import RiskTracker, RiskUpdate
from childsafe.conversations.explanation import PLAIN
from childsafe.events.outbox import event_row
from childsafe.model import AgeBand, Message, Participant, victim_ids
from childsafe.model.clock import utcnow
from childsafe.policy import Decision, Match, Policy, Verdict
from childsafe.screening.records import Answer, IncomingMessage, Reason, ReasonCue
from childsafe.screening.signals import message_signals

log = logging.getLogger("childsafe.screening")


@dataclass(frozen=True, slots=True)
class ScreenedAccount:
    id: str
    band: AgeBand
    created_at: datetime
    settings: Mapping[str, str]  # effective


@dataclass(frozen=True, slots=True)
class RaisedAlert:
    row: dict[str, Any]
    case_evidence: CaseEvidence  # what the alert adds to its suspect's case (contract C)


@dataclass(frozen=True, slots=True)
class Decided:
    """The answer and the rows that record it."""

    answer: Answer
    risk: float  # the conversation's risk after this message
    message_row: dict[str, Any]
    alert: RaisedAlert | None
    # Outbox rows for the platform: the message held or blocked, the alert raised.
    events: list[dict[str, Any]]
    # The tactics this message showed (a space's rating counts them).
    cues: tuple[str, ...] = ()


def pair(a: str, b: str) -> tuple[str, str]:
    """A connection's key: its two accounts in order."""
    return (a, b) if a < b else (b, a)


def decide(
    tracker: RiskTracker,
    policy: Policy,
    accounts: Mapping[str, ScreenedAccount],
    connections: set[tuple[str, str]],
    message: IncomingMessage,
) -> Decided:
    sender = accounts[message.sender_id]
    recipients = [accounts[r] for r in message.recipient_ids]
    participants = [Participant(a.id, a.band) for a in (sender, *recipients)]
    risk_update = tracker.observe(
        message.conversation_id,
        Message(message.id, message.sender_id, message.text, message.sent_at.isoformat()),
        participants,
    )
    contacts = [
        contact_gate(
            sender.band,
            recipient.band,
            recipient.settings,
            pair(sender.id, recipient.id) in connections,
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
    decision = policy.evaluate(signals)
    reasons = [message_reason(match, risk_update) for match in decision.matches]
    answer: Answer = {
        "verdict": decision.verdict.value,
        "reasons": reasons,
        "conversation_risk": round(risk_update.score, 4),
        "alert_id": None,
        "recipient_notice": decision.notice,
    }
    if decision.shadow_matches:
        answer["shadow_reasons"] = [
            message_reason(match, risk_update) for match in decision.shadow_matches
        ]
    alert = None
    if decision.alert is not None:
        alert = _alert(message, decision, reasons, risk_update, recipients)
        answer["alert_id"] = alert.case_evidence.source_id
    message_row = {
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
    events = _events(message, decision.verdict, reasons, alert)
    cues = tuple(sorted({c.name for c in risk_update.cues}))
    return Decided(answer, risk_update.score, message_row, alert, events, cues)


# The verdicts the platform must act on before it delivers, and the event that says so.
VERDICT_EVENTS = {Verdict.HOLD: "message.held", Verdict.BLOCK: "message.blocked"}


def _events(
    message: IncomingMessage, verdict: Verdict, reasons: list[Reason], alert: RaisedAlert | None
) -> list[dict[str, Any]]:
    """What the platform learns of this message: ids and the rules' plain words, never the
    text, the matched words or the excerpts its reasons carry for moderators."""
    plain = [{"rule": r["rule"], "description": r["description"]} for r in reasons]
    events = []
    alert_id = alert.row["id"] if alert else None
    if verdict in VERDICT_EVENTS:
        events.append(
            event_row(
                VERDICT_EVENTS[verdict],
                {
                    "message_id": message.id,
                    "conversation_id": message.conversation_id,
                    "sender_id": message.sender_id,
                    "recipient_ids": list(message.recipient_ids),
                    "reasons": plain,
                    "alert_id": alert_id,
                },
            )
        )
    if alert is not None:
        events.append(
            event_row(
                "alert.raised",
                {
                    "alert_id": alert_id,
                    "conversation_id": message.conversation_id,
                    "message_id": message.id,
                    "suspect_id": message.sender_id,
                    "victim_ids": alert.row["victim_account_ids"],
                    "priority": alert.row["priority"],
                    "reasons": plain,
                },
                occurred_at=alert.row["created_at"],
            )
        )
    return events


def _alert(
    message: IncomingMessage,
    decision: Decision,
    reasons: list[Reason],
    risk_update: RiskUpdate,
    recipients: Sequence[ScreenedAccount],
) -> RaisedAlert:
    assert decision.alert is not None
    victims = victim_ids(Participant(r.id, r.band) for r in recipients)
    cues = sorted(
        {c.name for c in risk_update.cues}
        | {cue for reason in risk_update.reasons for cue in reason.cues}
    )
    alert_id = "alert_" + secrets.token_hex(10)
    score = round(risk_update.score, 4)
    row = {
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
        "created_at": utcnow(),
    }
    case_evidence = CaseEvidence(
        suspect_account_id=message.sender_id,
        source="alert",
        source_id=alert_id,
        victim_account_ids=tuple(victims),
        cues=tuple(cues),
        score=score,
        occurred_at=message.sent_at,
    )
    log.info("alert %s (%s) on message %s", alert_id, decision.alert.value, message.id)
    return RaisedAlert(row, case_evidence)


def message_reason(match: Match, risk_update: RiskUpdate) -> Reason:
    """One rule that matched, what it saw, and the messages/cues behind it."""
    reason: Reason = {**match.reason()}
    cue_names = {name.removeprefix("cue.") for name in match.evidence if name.startswith("cue.")}
    cues: list[ReasonCue] = [
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
