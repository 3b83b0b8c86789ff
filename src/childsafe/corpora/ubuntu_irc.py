"""Ubuntu/Linux IRC disentanglement data (Kummerfeld et al. 2019): raw logs plus reply links.

Raw lines are `[HH:MM] <nick> text` (or `channel date [HH:MM:SS] <nick> text` in
new-domains); each `*.annotation.txt` line `a b -` links line a to line b (0-based). The
connected components of the links are the separate conversations (threads).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from childsafe.corpora.archive import decode, iter_members
from childsafe.corpora.errors import CorpusError
from childsafe.model import AgeBand, Conversation, Message, Participant

_LINE = re.compile(r"^(?:\S+ \S+ )?\[(\d\d:\d\d(?::\d\d)?)\] <([^>]+)> ?(.*)$")
# channel-two ships overlapping subsets of one log; its "all" files cover the others.
_SKIP = re.compile(r"channel-two\.(?!all\.)")


def _threads(links: list[tuple[int, int]]) -> list[list[int]]:
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for x in list(parent):
        groups.setdefault(root(x), []).append(x)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def load(source: Path) -> Iterator[Conversation]:
    files = dict(iter_members(source, "*.txt"))
    for name in sorted(files):
        if not name.endswith(".annotation.txt") or _SKIP.search(name):
            continue
        stem = name.removesuffix(".annotation.txt")
        raw_name = next((stem + s for s in (".raw.txt", ".ascii.txt") if stem + s in files), None)
        if raw_name is None:
            continue
        lines = decode(raw_name, files[raw_name]).splitlines()
        links = []
        for number, row in enumerate(decode(name, files[name]).splitlines(), start=1):
            parts = row.split()
            if len(parts) < 2 or not (parts[0].isdigit() and parts[1].isdigit()):
                raise CorpusError(name, f"not an annotation line: {row!r}", number)
            links.append((int(parts[0]), int(parts[1])))
        for thread in _threads(links):
            conversation_id = f"irc:{stem}:{thread[0]}"
            messages = []
            for index in thread:
                match = _LINE.match(lines[index]) if index < len(lines) else None
                if match:
                    messages.append(
                        Message(f"{conversation_id}:{index}", match.group(2), match.group(3))
                    )
            if messages:
                nicks = dict.fromkeys(m.sender for m in messages)
                yield Conversation(
                    conversation_id, [Participant(n, AgeBand.UNKNOWN) for n in nicks], messages
                )
