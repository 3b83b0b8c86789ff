"""PAN-2012 (VTPAN) segments machine-translated into German or Dutch (Constien): CSV
`row,messages,label`, messages a Python-literal list of strings with the speakers lost.

Each segment becomes a conversation whose messages alternate between two pseudo-speakers
(most turns in these chats alternate; the real order of speakers is unknown). A label-1
segment comes from a Perverted-Justice chat: as the predator's side is unknown, both
pseudo-speakers are marked, so the figures that make sense are per segment (was it
alerted at all; false alerts on label-0 segments), not per author.
"""

from __future__ import annotations

import ast
import csv
import io
import lzma
from collections.abc import Iterator
from pathlib import Path

from childsafe.corpora.archive import decode
from childsafe.corpora.errors import CorpusError
from childsafe.model import AgeBand, Conversation, Message, Participant


def _read(source: Path) -> bytes:
    try:
        if source.suffix == ".xz":
            with lzma.open(source) as handle:
                return handle.read()
        return source.read_bytes()
    except (OSError, lzma.LZMAError) as exc:
        raise CorpusError(str(source), f"cannot read ({exc})") from exc


def segment_of(conversation: Conversation) -> str:
    """The segment a conversation translates: row i of the German file and of the Dutch one
    are the same segment."""
    return conversation.conversation_id.rpartition(":")[2]


def load(source: Path) -> Iterator[Conversation]:
    """The segments of one CSV file (optionally .xz-compressed)."""
    name = source.name.removesuffix(".xz")
    reader = csv.DictReader(io.StringIO(decode(str(source), _read(source))))
    if reader.fieldnames is None or not {"messages", "label"} <= set(reader.fieldnames):
        raise CorpusError(str(source), "needs columns messages,label")
    for number, row in enumerate(reader, start=2):
        try:
            texts = ast.literal_eval(row["messages"])
            label = int(row["label"])
        except (ValueError, SyntaxError, TypeError) as exc:
            raise CorpusError(str(source), f"bad row ({exc})", number) from exc
        if not isinstance(texts, list):
            raise CorpusError(str(source), "messages is not a list", number)
        cid = f"{Path(name).stem}:{row.get('row') or number}"
        speakers = [f"{cid}:a", f"{cid}:b"]
        messages = [
            Message(f"{cid}:{i}", speakers[i % 2], str(text)) for i, text in enumerate(texts)
        ]
        yield Conversation(
            cid,
            [Participant(s, AgeBand.UNKNOWN) for s in speakers],
            messages,
            frozenset(speakers) if label == 1 else frozenset(),
        )
