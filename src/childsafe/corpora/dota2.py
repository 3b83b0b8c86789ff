"""Dota 2 in-game chat (GOSU.AI subset, McMaster 4NL3 labels): ground_truth.json
{game_id: [{time, slot, text, label}]}; each game is one multi-party conversation and a
speaker is a (game, slot)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from childsafe.corpora.archive import decode, iter_members
from childsafe.corpora.errors import CorpusError
from childsafe.model import AgeBand, Conversation, Message, Participant


def load(source: Path) -> Iterator[Conversation]:
    for name, data in iter_members(source, "*ground_truth.json"):
        try:
            games = json.loads(decode(name, data))
            for game_id, lines in games.items():
                conversation_id = f"dota2:{game_id}"
                ordered = sorted(lines, key=lambda m: float(m["time"]))
                messages = [
                    Message(f"{conversation_id}:{i}", f"{conversation_id}:{m['slot']}", m["text"])
                    for i, m in enumerate(ordered)
                ]
                speakers = dict.fromkeys(m.sender for m in messages)
                yield Conversation(
                    conversation_id, [Participant(s, AgeBand.UNKNOWN) for s in speakers], messages
                )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise CorpusError(f"{source}:{name}", f"not the Dota 2 layout ({exc!r})") from exc
        return
    raise CorpusError(str(source), "no ground_truth.json")
