"""VTPAN/PAN-2012 validation negatives (Constien 2023): CSV `segment,label`, each row a whole
chat flattened into one string (speakers and message boundaries are gone).

Only label-0 rows are read. As no boundaries survive, each segment is cut into pseudo-
messages of PSEUDO_MESSAGE_WORDS words (about the mean message length, 5.95 words, over the
other chat corpora in ../shared/data) that alternate between two pseudo-speakers, as most
turns of a two-person chat do (the real turns are unknown). Figures on these stranger chats
are reported apart from the real chat corpora.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from childsafe.corpora.archive import decode, iter_members
from childsafe.corpora.errors import CorpusError
from childsafe.model import AgeBand, Conversation, Message, Participant

PSEUDO_MESSAGE_WORDS = 6


def load(source: Path) -> Iterator[Conversation]:
    found = False
    for name, data in iter_members(source, "*.csv"):
        found = True
        reader = csv.DictReader(io.StringIO(decode(name, data)))
        if reader.fieldnames is None or not {"segment", "label"} <= set(reader.fieldnames):
            raise CorpusError(f"{source}:{name}", "needs columns segment,label")
        for number, row in enumerate(reader, start=2):
            if row["label"].strip() != "0":
                continue
            conversation_id = f"vtpan:{Path(name).stem}:{number}"
            speakers = [f"{conversation_id}:a", f"{conversation_id}:b"]
            words = row["segment"].split()
            messages = [
                Message(
                    f"{conversation_id}:{i}",
                    speakers[i % 2],
                    " ".join(words[start : start + PSEUDO_MESSAGE_WORDS]),
                )
                for i, start in enumerate(range(0, len(words), PSEUDO_MESSAGE_WORDS))
            ]
            participants = [Participant(s, AgeBand.UNKNOWN) for s in speakers]
            yield Conversation(conversation_id, participants, messages)
    if not found:
        raise CorpusError(str(source), "no CSV file")
