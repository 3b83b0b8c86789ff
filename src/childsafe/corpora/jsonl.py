"""The interchange format: JSON Lines, one conversation per line (see README).

    {"conversation_id": "...",
     "participants": [{"id": "...", "age_band": "adult"}],          # age_band optional
     "messages": [{"id": "...", "sender": "...", "sent_at": "...", "text": "..."}],
     "predator_ids": ["..."]}                                         # optional ground truth

`sent_at` is an ISO-8601 string or null. Every sender must be a listed participant.
Blank lines and lines starting with "#" are skipped (comments).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from childsafe.corpora.errors import CorpusError
from childsafe.model import AgeBand, Conversation, Message, Participant

MAX_TEXT_CHARS = 100_000
MAX_LINE_BYTES = 64 * 1024 * 1024
_BANDS = ", ".join(b.value for b in AgeBand)
T = TypeVar("T")


def _field(obj: dict[str, Any], key: str, kind: type, what: str) -> Any:
    if key not in obj:
        raise ValueError(f"{what} has no {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (kind is str and not value):
        raise ValueError(f"{what}: {key!r} must be a non-empty {kind.__name__}")
    return value


def parse_conversation(record: Any) -> Conversation:
    """One decoded JSON value -> Conversation; ValueError says what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("a line must be a JSON object")
    conversation_id = _field(record, "conversation_id", str, "the conversation")
    participants: list[Participant] = []
    for i, p in enumerate(_field(record, "participants", list, "the conversation")):
        what = f"participant {i}"
        if not isinstance(p, dict):
            raise ValueError(f"{what} must be an object")
        band = p.get("age_band") or "unknown"
        if band not in AgeBand._value2member_map_:
            raise ValueError(f"{what}: age_band {band!r} is not one of {_BANDS}")
        participants.append(Participant(str(_field(p, "id", str, what)), AgeBand(band)))
    ids = {p.id for p in participants}
    messages: list[Message] = []
    for i, m in enumerate(_field(record, "messages", list, "the conversation")):
        what = f"message {i}"
        if not isinstance(m, dict):
            raise ValueError(f"{what} must be an object")
        sender = _field(m, "sender", str, what)
        if sender not in ids:
            raise ValueError(f"{what}: sender {sender!r} is not a listed participant")
        text = m.get("text")
        if not isinstance(text, str):
            raise ValueError(f"{what}: 'text' must be a string")
        if len(text) > MAX_TEXT_CHARS:
            raise ValueError(f"{what}: text longer than {MAX_TEXT_CHARS:,} characters")
        sent_at = m.get("sent_at")
        if sent_at is not None and not isinstance(sent_at, str):
            raise ValueError(f"{what}: 'sent_at' must be an ISO-8601 string or null")
        messages.append(Message(str(_field(m, "id", str, what)), sender, text, sent_at))
    predators = record.get("predator_ids", [])
    if not isinstance(predators, list) or not all(isinstance(p, str) for p in predators):
        raise ValueError("'predator_ids' must be a list of participant ids")
    return Conversation(conversation_id, participants, messages, frozenset(predators))


def parse_records(
    lines: Iterable[bytes],
    source: str,
    parse: Callable[[Any], T],
    on_error: Callable[[CorpusError], None] | None = None,
) -> Iterator[T]:
    """`parse` applied to every JSON line. A bad line (too long, not UTF-8, not JSON, or
    refused by `parse` with ValueError) raises CorpusError naming it, or, with `on_error`,
    is reported there and skipped."""
    for number, raw in enumerate(lines, start=1):
        try:
            if len(raw) > MAX_LINE_BYTES:
                raise ValueError(f"line longer than {MAX_LINE_BYTES:,} bytes")
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError as exc:
                raise ValueError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from exc
            if not line or line.startswith("#"):
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})") from exc
            parsed = parse(record)
        except ValueError as exc:
            error = CorpusError(source, str(exc), number)
            if on_error is None:
                raise error from exc
            on_error(error)
            continue
        yield parsed


def parse_lines(
    lines: Iterable[bytes], source: str, on_error: Callable[[CorpusError], None] | None = None
) -> Iterator[Conversation]:
    """Conversations from raw lines (see parse_records)."""
    return parse_records(lines, source, parse_conversation, on_error)


def read_records(
    path: Path, parse: Callable[[Any], T], on_error: Callable[[CorpusError], None] | None = None
) -> Iterator[T]:
    try:
        with path.open("rb") as handle:
            yield from parse_records(handle, str(path), parse, on_error)
    except OSError as exc:
        raise CorpusError(str(path), f"cannot read ({exc.strerror})") from exc


def read_conversations(
    path: Path, on_error: Callable[[CorpusError], None] | None = None
) -> Iterator[Conversation]:
    return read_records(path, parse_conversation, on_error)


def dump_conversation(conversation: Conversation) -> str:
    """One JSONL line (no newline) in the interchange format."""
    record: dict[str, Any] = {
        "conversation_id": conversation.conversation_id,
        "participants": [
            {"id": p.id, "age_band": p.age_band.value} for p in conversation.participants
        ],
        "messages": [
            {"id": m.id, "sender": m.sender, "sent_at": m.sent_at, "text": m.text}
            for m in conversation.messages
        ],
    }
    if conversation.predator_ids:
        record["predator_ids"] = sorted(conversation.predator_ids)
    return json.dumps(record, ensure_ascii=False)
