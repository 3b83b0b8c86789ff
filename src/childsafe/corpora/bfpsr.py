"""BF-PSR (Milon-Flores & Cordeiro 2022) ordered Perverted-Justice chats, JSONL (optionally .xz).

Each line is one segment: {id, groomer, groomer_index, segment_index, label,
messages: [{author, role: groomer|decoy, time, text}]}. Upstream cut every chat into
segments; `load(..., whole_chats=True)` (the default) joins each groomer's segments back in
segment order, so a conversation is the whole chat as the decoy lived it.
"""

from __future__ import annotations

import json
import lzma
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from childsafe.corpora.errors import CorpusError
from childsafe.model import AgeBand, Conversation, Message, Participant


def _segments(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    opener = lzma.open if path.suffix == ".xz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    _ = record["groomer_index"], record["segment_index"], record["messages"]
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    raise CorpusError(str(path), f"not a BF-PSR segment ({exc!r})", number) from exc
                yield number, record
    except (OSError, lzma.LZMAError, UnicodeDecodeError) as exc:
        raise CorpusError(str(path), f"cannot read ({exc})") from exc


def _messages(path: Path, number: int, record: dict[str, Any], chat: str) -> list[Message]:
    messages = []
    for i, m in enumerate(record["messages"]):
        try:
            role, text = m["role"], m["text"]
        except (KeyError, TypeError) as exc:
            raise CorpusError(str(path), f"message {i} lacks role/text", number) from exc
        if role not in ("groomer", "decoy"):
            raise CorpusError(str(path), f"message {i}: unknown role {role!r}", number)
        # Author ids are the role within the chat, never the screen name: the detector
        # must not learn usernames.
        messages.append(
            Message(f"{chat}:{record['segment_index']}:{i}", f"{chat}:{role}", str(text))
        )
    return messages


def load(path: Path, whole_chats: bool = True) -> Iterator[Conversation]:
    chats: dict[int, list[tuple[int, int, dict[str, Any]]]] = defaultdict(list)
    for number, record in _segments(path):
        chats[int(record["groomer_index"])].append((int(record["segment_index"]), number, record))
    for groomer_index in sorted(chats):
        chat = f"bfpsr:{groomer_index}"
        participants = [
            Participant(f"{chat}:groomer", AgeBand.UNKNOWN),
            # The decoys are adults posing as children; we do not tell the detector either.
            Participant(f"{chat}:decoy", AgeBand.UNKNOWN),
        ]
        predators = frozenset({f"{chat}:groomer"})
        segments = sorted(chats[groomer_index], key=lambda s: s[0])
        if whole_chats:
            messages = [m for _, n, r in segments for m in _messages(path, n, r, chat)]
            yield Conversation(chat, participants, messages, predators)
        else:
            for segment_index, number, record in segments:
                yield Conversation(
                    f"{chat}:{segment_index}",
                    participants,
                    _messages(path, number, record, chat),
                    predators,
                )
