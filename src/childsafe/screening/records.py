"""What the message path takes in and gives back, and the errors it can report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, NotRequired

from pydantic import Field

# typing.TypedDict on Python < 3.12 lacks what pydantic needs to read it (the API's schema).
from typing_extensions import TypedDict

from childsafe.policy import RuleReason, VerdictName


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    id: str
    conversation_id: str
    sender_id: str
    recipient_ids: tuple[str, ...]
    text: str
    sent_at: datetime
    space_id: str | None = None  # the group chat, server, channel... it was sent in, if any


class ReasonCue(TypedDict):
    name: str
    meaning: str
    evidence: str  # the words matched, in the normalised text
    as_written: str


class ReasonTactic(TypedDict):
    tactic: str
    meaning: str
    message_id: str
    matched: str
    as_written: str


class ReasonMessage(TypedDict):
    message_id: str
    cues: list[str]
    excerpt: str
    weight: float


class Reason(RuleReason):
    """One rule that matched, what it saw, and the messages and cues behind it."""

    cues: NotRequired[Annotated[list[ReasonCue], Field(description="cues found in this message")]]
    # When the rule tested the conversation's risk:
    explanation: NotRequired[list[str]]
    tactics: NotRequired[list[ReasonTactic]]
    fast_path: NotRequired[str]
    messages: NotRequired[
        Annotated[
            list[ReasonMessage],
            Field(description="the messages that drove the conversation's risk"),
        ]
    ]


class Answer(TypedDict):
    """The answer exactly as stored and returned (a plain dict, serialised as it is): a retry
    of the same message id gets this same mapping back."""

    verdict: VerdictName
    reasons: list[Reason]
    conversation_risk: Annotated[float, Field(ge=0, le=1)]
    alert_id: str | None
    recipient_notice: Annotated[
        str | None, Field(description="show this to the recipient (the child)")
    ]
    shadow_reasons: NotRequired[
        Annotated[
            list[Reason], Field(description="rules in shadow mode that matched (not enforced)")
        ]
    ]


class ScreeningError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MessageIdReused(ScreeningError):
    """A message id we already answered arrived again with different content."""


class MessageNotStored(ScreeningError):
    """The store refused this message on its own (its batch was retried message by message,
    so the others were answered): its content cannot be held, e.g. a lone surrogate, or a
    NUL on PostgreSQL, that got past the API's checks. Nothing of it was stored."""


class ScreeningFailed(ScreeningError):
    """Screening this one message failed for a reason of ours (a bug, logged); its batch was
    retried message by message, so only this message has no answer. Nothing was stored."""


class ScreeningUnavailable(Exception):
    """Nothing was acknowledged (the database is unreachable, or the screening process was
    restarted); the platform should retry, which is safe because messages are idempotent."""
