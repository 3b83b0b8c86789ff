"""Build the flat mapping of named signals the policy rules read, for one message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from childsafe.accounts import ContactDecision
from childsafe.conversations import RiskUpdate
from childsafe.model import AgeBand, youngest


def message_signals(
    *,
    sender_band: AgeBand,
    recipient_bands: Sequence[AgeBand],
    connected: bool,
    contact: ContactDecision,
    sender_created_at: datetime,
    sent_at: datetime,
    update: RiskUpdate,
) -> Mapping[str, Any]:
    recipient_band = youngest(recipient_bands)
    signals: dict[str, Any] = {
        "contact.gate": contact.contact.value,
        "contact.reason": contact.reason,
        "connected": connected,
        "sender.age_band": sender_band.value,
        "sender.is_child": sender_band.is_child,
        "sender.account_age_days": max(0.0, (sent_at - sender_created_at).total_seconds() / 86400),
        "recipient.age_band": recipient_band.value,
        "recipient.is_child": any(band.is_child for band in recipient_bands),
        "conversation.risk": round(update.score, 4),
        "conversation.alert": update.alert,
    }
    for cue in update.cues:
        signals[f"cue.{cue.name}"] = cue.severity
    return signals
