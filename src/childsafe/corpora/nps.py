"""NPS Chat Corpus (Forsyth & Martell 2007), as ../shared's nps_chat.jsonl.xz: one line per
chat-room session {id, room, messages: [{user, class, text}]}. System posts (JOIN/PART)
are dropped. A session is one multi-party conversation."""

from __future__ import annotations

import json
import lzma
from collections.abc import Iterator
from pathlib import Path

from childsafe.corpora.errors import CorpusError
from childsafe.model import AgeBand, Conversation, Message, Participant


def load(path: Path) -> Iterator[Conversation]:
    try:
        with lzma.open(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    session = json.loads(line)
                    session_id = f"nps:{session['id']}"
                    posts = [
                        (str(p["user"]), str(p["text"]))
                        for p in session["messages"]
                        if p.get("class") != "System"
                    ]
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    raise CorpusError(str(path), f"not an NPS session ({exc!r})", number) from exc
                messages = [
                    Message(f"{session_id}:{i}", user, text) for i, (user, text) in enumerate(posts)
                ]
                users = dict.fromkeys(m.sender for m in messages)
                yield Conversation(
                    session_id, [Participant(u, AgeBand.UNKNOWN) for u in users], messages
                )
    except (OSError, lzma.LZMAError) as exc:
        raise CorpusError(str(path), f"cannot read ({exc})") from exc
