"""Koutli (2023) Perverted-Justice layout: one file per person, one utterance per line.

    predators/predator_<user>.txt        that offender's lines
    officers/officer_<user>[_N].txt      the decoy's lines from the chat(s) with <user>

Turn order between the two sides is lost, so each file becomes a one-author
"conversation" (`koutli:predator:<user>` or `koutli:officer:<user>[_N]`), good for
author-level evaluation only. `group_of` names the predator a file belongs to, so that
cross-validation can keep a predator and their decoys in the same fold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from childsafe.corpora.archive import decode, iter_members
from childsafe.corpora.errors import CorpusError
from childsafe.model import AgeBand, Conversation, Message, Participant

_FILE = re.compile(r"(?:^|/)(predators|officers)/(predator|officer)_(.+)\.txt$")
_OFFICER_SUFFIX = re.compile(r"_\d+$")


def load(source: Path) -> Iterator[Conversation]:
    """Every predator and officer file under `source` (the .tar.xz or an extracted folder)."""
    found = False
    for name, data in iter_members(source, "*.txt"):
        match = _FILE.search(name)
        if match is None:
            continue
        found = True
        role, user = match.group(2), match.group(3)
        author = f"{role}:{user}"
        lines = [line.strip() for line in decode(f"{source}:{name}", data).splitlines()]
        messages = [Message(f"{author}:{i}", author, text) for i, text in enumerate(lines) if text]
        # Decoys pose as children but are adults; the offender's age is not in the layout.
        participants = [Participant(author, AgeBand.UNKNOWN)]
        predators = frozenset({author}) if role == "predator" else frozenset()
        yield Conversation(f"koutli:{author}", participants, messages, predators)
    if not found:
        raise CorpusError(str(source), "no predators/predator_*.txt or officers/officer_*.txt")


def group_of(conversation_id: str) -> str:
    """The predator a Koutli file belongs to (officer_<user>_2 -> <user>)."""
    _, role, user = conversation_id.split(":", 2)
    return _OFFICER_SUFFIX.sub("", user) if role == "officer" else user
