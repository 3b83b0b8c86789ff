"""The named signals an image adds for the policy rules (beside the contact signals)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from childsafe.accounts import contact_gate, effective_settings
from childsafe.hashbanks.hits import MatchResult
from childsafe.model import AgeBand, youngest
from childsafe.signals.nudity import NudityResult
from childsafe.store.tables.service import Account


def media_signals(
    sender: Account,
    recipients: Sequence[Account],
    connected_to: set[str],
    matches: MatchResult,
    nudity: NudityResult | None,
) -> dict[str, Any]:
    sender_band = AgeBand(sender.age_band)
    bands = [AgeBand(r.age_band) for r in recipients]
    contacts = [
        contact_gate(
            sender_band,
            band,
            effective_settings(band, recipient.settings),
            recipient.id in connected_to,
        )
        for recipient, band in zip(recipients, bands, strict=True)
    ]
    contact = max(contacts, key=lambda c: c.contact.strictness)
    signals: dict[str, Any] = {
        "contact.gate": contact.contact.value,
        "contact.reason": contact.reason,
        "connected": all(c.reason == "connected" for c in contacts),
        "sender.age_band": sender_band.value,
        "sender.is_child": sender_band.is_child,
        "recipient.age_band": youngest(bands).value,
        "recipient.is_child": any(band.is_child for band in bands),
        "hash.known_match": bool(matches.hits),
        "hash.allow_listed": bool(matches.allowed_by),
    }
    if matches.hits:
        signals["hash.match_distance"] = matches.hits[0].distance
        signals["hash.match_bank"] = matches.hits[0].bank_name
    if nudity is not None:
        signals["image.nudity"] = round(nudity.score, 4)
    return signals
