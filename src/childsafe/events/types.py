"""The event types: each one's name, what it means, and exactly the fields it carries.

An event is a fact the platform acts on: ids, enforcement, plain-word reasons. Never message
text, and nothing about a child beyond an account id and an age band. `outbox.emit` refuses a
missing or an extra field, so no event ever carries more than its line here says.
A new type is one line in `EVENT_TYPES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    name: str
    meaning: str
    fields: tuple[str, ...]

    def check(self, data: Mapping[str, object]) -> None:
        """Refuse data whose keys are not exactly this type's fields."""
        missing = sorted(set(self.fields) - data.keys())
        extra = sorted(data.keys() - set(self.fields))
        if missing or extra:
            raise ValueError(
                f"event {self.name!r}: "
                + "; ".join(
                    part
                    for part in (
                        f"missing field(s) {', '.join(missing)}" if missing else "",
                        f"field(s) it does not carry {', '.join(extra)}" if extra else "",
                    )
                    if part
                )
            )


MESSAGE_FIELDS = ("message_id", "conversation_id", "sender_id", "recipient_ids")

EVENT_TYPES: dict[str, EventType] = {
    event_type.name: event_type
    for event_type in (
        EventType(
            "message.held",
            "a message was held back from its recipients (a message request, or for review)",
            (*MESSAGE_FIELDS, "reasons", "alert_id"),
        ),
        EventType(
            "message.released",
            "a held message was released by a moderator: deliver it now",
            (*MESSAGE_FIELDS, "reasons"),
        ),
        EventType(
            "message.blocked",
            "a message was blocked: never deliver it",
            (*MESSAGE_FIELDS, "reasons", "alert_id"),
        ),
        EventType(
            "alert.raised",
            "the detector raised an alert about an account in a conversation",
            (
                "alert_id",
                "conversation_id",
                "message_id",
                "suspect_id",
                "victim_ids",
                "priority",
                "reasons",
            ),
        ),
        EventType(
            "case.opened",
            "a case was opened for moderators about an account",
            ("case_id", "suspect_id", "priority", "source", "reasons"),
        ),
        EventType(
            "case.decided",
            "a case was decided: apply the enforcement to the account",
            (
                "case_id",
                "decision_id",
                "account_id",
                "decision",
                "enforcement",
                "reasons",
                "decided_by_kind",
                "decided_at",
            ),
        ),
        EventType(
            "report.outcome",
            "a child's report was decided: show the outcome text to the reporter",
            ("report_id", "reference", "reporter_account_id", "outcome", "message"),
        ),
        EventType(
            "referral.sent",
            "a case was referred to an outside body (NCMEC, NCA)",
            ("referral_id", "case_id", "account_id"),
        ),
        EventType(
            "appeal.decided",
            "an appeal was decided: upheld, reversed or modified, with its enforcement",
            (
                "appeal_id",
                "account_id",
                "subject_type",
                "subject_id",
                "outcome",
                "reasons",
                "enforcement",
            ),
        ),
        EventType(
            "media.match",
            "an image matched a known-abuse hash: evidence was sealed and a case opened",
            (
                "media_id",
                "conversation_id",
                "sender_id",
                "recipient_ids",
                "verdict",
                "matches",
                "case_id",
            ),
        ),
        EventType(
            "space.rating_changed",
            "a space's age rating changed: re-check who may see it",
            ("space_id", "rating", "previous", "reasons"),
        ),
        EventType(
            "space.member_suspended",
            "a child was suspended from a space pending review: its rating rose above their band",
            ("space_id", "account_id", "age_band", "rating", "reasons"),
        ),
        EventType(
            "space.member_reinstated",
            "a child suspended by a space's rating was reinstated: a moderator's decision put "
            "the rating back within their band",
            ("space_id", "account_id", "age_band", "rating", "reasons"),
        ),
    )
}


def event_type(name: str) -> EventType:
    """The registered type of that name, or a ValueError naming the known ones."""
    try:
        return EVENT_TYPES[name]
    except KeyError:
        raise ValueError(
            f"unknown event type {name!r}; known types: {', '.join(EVENT_TYPES)}"
        ) from None
