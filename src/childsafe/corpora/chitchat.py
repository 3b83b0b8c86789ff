"""BYU Chit-Chat Challenge (2018): dataset.json {uuid: {messages: [[{text, timestamp,
sender}], ...]}} read from its .tar.xz or folder. Two-party small talk between volunteers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from childsafe.corpora.archive import decode, iter_members
from childsafe.corpora.errors import CorpusError
from childsafe.model import AgeBand, Conversation, Message, Participant


def load(source: Path) -> Iterator[Conversation]:
    for name, data in iter_members(source, "*dataset.json"):
        try:
            dataset = json.loads(decode(name, data))
            for uuid, chat in dataset.items():
                conversation_id = f"chitchat:{uuid}"
                messages = [
                    Message(f"{conversation_id}:{i}", m["sender"], m["text"], m.get("timestamp"))
                    for i, m in enumerate(m for turn in chat["messages"] for m in turn)
                ]
                senders = dict.fromkeys(m.sender for m in messages)
                yield Conversation(
                    conversation_id, [Participant(s, AgeBand.UNKNOWN) for s in senders], messages
                )
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise CorpusError(f"{source}:{name}", f"not the chit-chat layout ({exc!r})") from exc
        return
    raise CorpusError(str(source), "no dataset.json")
