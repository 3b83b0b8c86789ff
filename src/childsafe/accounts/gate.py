"""The contact gate: may this sender's message reach this recipient, and how?"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from childsafe.model import AgeBand


class Contact(StrEnum):
    DELIVER = "deliver"
    REQUEST = "request"  # shown as a message request the recipient must accept first
    HOLD = "hold"  # not shown to the recipient at all

    @property
    def strictness(self) -> int:
        return list(Contact).index(self)


@dataclass(frozen=True, slots=True)
class ContactDecision:
    contact: Contact
    reason: str  # a stable code: connected, message_request, stranger_to_child, ...
    explanation: str


def contact_gate(
    sender_band: AgeBand,
    recipient_band: AgeBand,
    recipient_settings: Mapping[str, str],
    connected: bool,
) -> ContactDecision:
    """Ofcom ICU F1: non-connections cannot message a child directly.

    Unknown age counts as a child on both sides: an unknown-age stranger is not trusted to be
    a peer, and an unknown-age recipient is protected like a child.
    """
    if connected:
        return ContactDecision(Contact.DELIVER, "connected", "sender and recipient are connected")
    if recipient_band.is_child and sender_band in (AgeBand.ADULT, AgeBand.UNKNOWN):
        return ContactDecision(
            Contact.HOLD,
            "stranger_to_child",
            f"a {sender_band.value} stranger may not message a {recipient_band.value} account",
        )
    accepts = recipient_settings.get("direct_messages_from", "connections")
    if accepts == "everyone":
        return ContactDecision(
            Contact.DELIVER, "recipient_accepts_everyone", "recipient accepts messages from anyone"
        )
    if accepts == "requests":
        return ContactDecision(
            Contact.REQUEST,
            "message_request",
            "first contact from a non-connection: the recipient must accept the request",
        )
    return ContactDecision(
        Contact.HOLD,
        "recipient_connections_only",
        "recipient accepts messages from connections only",
    )
