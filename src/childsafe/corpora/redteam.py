"""redteam-dev (../shared/data/redteam-dev): invented modern grooming and benign look-alikes,
JSON Lines in the interchange format plus a `scenario` field whose prefix names its kind
("financial_sextortion: ...", "benign_obfuscated: ...")."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from childsafe.corpora.jsonl import parse_conversation, read_records
from childsafe.model import Conversation

FILES = ("grooming.jsonl", "benign.jsonl")
# The grooming kind written to get past keyword filters.
DISGUISED_KIND = "filter_evasion"
SEXTORTION_KINDS = frozenset({"financial_sextortion"})


@dataclass(frozen=True, slots=True)
class RedTeamConversation:
    kind: str
    grooming: bool
    conversation: Conversation


def load(folder: Path) -> Iterator[RedTeamConversation]:
    """Both files' conversations with their kind; a bad line raises CorpusError naming it."""
    for name in FILES:
        grooming = name == "grooming.jsonl"

        def parse(record: Any, grooming: bool = grooming) -> RedTeamConversation:
            conversation = parse_conversation(record)  # refuses a record that is not an object
            if grooming != bool(conversation.predator_ids):
                raise ValueError("predator_ids disagree with the file")
            kind = str(record.get("scenario", "")).split(":", 1)[0].strip() or "unknown"
            return RedTeamConversation(kind, grooming, conversation)

        yield from read_records(folder / name, parse)
