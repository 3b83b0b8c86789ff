"""redteam-dev (../shared/data/redteam-dev): invented modern grooming and benign look-alikes,
JSON Lines in the interchange format plus a `scenario` field whose prefix names its kind
("financial_sextortion: ...", "benign_obfuscated: ...")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from childsafe.corpora.errors import CorpusError
from childsafe.corpora.jsonl import parse_conversation
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
        path = folder / name
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CorpusError(str(path), f"cannot read ({exc})") from exc
        for number, line in enumerate(lines, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                record = json.loads(line)
                conversation = parse_conversation(record)
                kind = str(record.get("scenario", "")).split(":", 1)[0].strip() or "unknown"
            except (ValueError, AttributeError) as exc:
                raise CorpusError(str(path), str(exc), number) from exc
            grooming = name == "grooming.jsonl"
            if grooming != bool(conversation.predator_ids):
                raise CorpusError(str(path), "predator_ids disagree with the file", number)
            yield RedTeamConversation(kind, grooming, conversation)
