"""What travels on the stream: a message is the HTTP API's body (`api.messages.MessageIn`, the
same JSON schema: `GET /openapi.json`, schema MessageIn); a verdict is the stored answer with
the message's ids; a failed outcome carries the screening error's kind and text, so the HTTP
bridge raises the same error the plain path would."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import ValidationError

from childsafe.accounts import UnknownAccount
from childsafe.api.messages import MessageIn
from childsafe.screening import (
    Answer,
    IncomingMessage,
    MessageIdReused,
    MessageNotStored,
    ScreeningError,
    ScreeningFailed,
    ScreeningUnavailable,
)

# Headers beside Nats-Msg-Id.
REPLY_TO = "Childsafe-Reply-To"  # the bridge's inbox for this message's outcome
ERROR = "Childsafe-Error"  # on a dead letter: why it could not be screened
DELIVERIES = "Childsafe-Deliveries"  # on a dead letter: how often it was tried

ScreeningOutcome = Answer | UnknownAccount | ScreeningError | ScreeningUnavailable

_ERRORS: dict[str, type[Exception]] = {
    kind.__name__: kind
    for kind in (
        UnknownAccount,
        MessageIdReused,
        MessageNotStored,
        ScreeningFailed,
        ScreeningUnavailable,
    )
}


class MalformedMessage(ValueError):
    """The payload is not JSON or not a valid message (dead-lettered at once: no retry can
    mend it)."""


def encode_message(message: IncomingMessage) -> bytes:
    """The message as JSON with MessageIn's fields (sent_at in RFC 3339, UTC)."""
    return orjson.dumps(message)


def decode_message(data: bytes) -> IncomingMessage:
    try:
        body = MessageIn.model_validate_json(data)
    except ValidationError as error:
        raise MalformedMessage(_validation_text(error)) from None
    return body.incoming()


def encode_verdict(message: IncomingMessage, answer: Answer) -> bytes:
    return orjson.dumps(
        {"message_id": message.id, "conversation_id": message.conversation_id, **answer}
    )


def encode_outcome(outcome: ScreeningOutcome | Exception) -> bytes:
    """The bridge's reply: the answer, or the error's kind and plain-word text."""
    if isinstance(outcome, dict):
        return orjson.dumps({"answer": outcome})
    kind = type(outcome).__name__ if type(outcome).__name__ in _ERRORS else "ScreeningFailed"
    return orjson.dumps({"error": kind, "detail": error_text(outcome)})


def decode_outcome(data: bytes) -> Answer:
    """The answer from a reply; raises the error it carries."""
    reply: dict[str, Any] = orjson.loads(data)
    if "answer" in reply:
        answer: Answer = reply["answer"]
        return answer
    raise _ERRORS[reply["error"]](reply["detail"])


def error_text(error: BaseException) -> str:
    return str(getattr(error, "message", None) or error or type(error).__name__)


def _validation_text(error: ValidationError) -> str:
    # Field locations and messages only: the input (the message's text) stays out.
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in error.errors()
    )
