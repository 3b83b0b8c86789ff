"""Rewrites that record what they replaced, and the offsets mapped back through them.

Each normalisation step rewrites text; while `original_span` runs, the steps also record their
edits so a match in the normalised text can be traced back to what the sender typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# An edit replaces text[start:end] of a step's input with a new string (for original_span).
Edit = tuple[int, int, str]
Repl = str | Callable[[re.Match[str]], str]
# A normalisation step: text in, text out, recording its edits when given a list.
Step = Callable[[str, list[Edit] | None], str]


def sub(pattern: re.Pattern[str], repl: Repl, text: str, edits: list[Edit] | None) -> str:
    """pattern.sub, also recording each replacement in `edits` when tracking offsets."""
    if edits is None:
        return pattern.sub(repl, text)
    parts: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        new = repl if isinstance(repl, str) else repl(m)
        if new != m.group():
            edits.append((m.start(), m.end(), new))
        parts += (text[pos : m.start()], new)
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts)


class Trace:
    """For each character of the current text, the [start, end) it came from in the
    original. Replaced characters get the span of what they replaced: position by position
    when the replacement has the same length (ѕ -> s) or is a subsequence of it
    (s.n.a.p -> snap), else the whole replaced stretch."""

    def __init__(self, length: int) -> None:
        self.starts = list(range(length))
        self.ends = list(range(1, length + 1))

    def apply(self, text: str, edits: list[Edit]) -> None:
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for s, e, new in edits:
            starts += self.starts[pos:s]
            ends += self.ends[pos:s]
            old = text[s:e]
            same = len(new) == len(old)
            sources = list(range(s, e)) if same else _subsequence(new, old, s)
            for i in sources:
                if i < 0:  # no single source: the whole replaced stretch
                    starts.append(self.starts[s])
                    ends.append(self.ends[e - 1])
                else:
                    starts.append(self.starts[i])
                    ends.append(self.ends[i])
            pos = e
        self.starts = starts + self.starts[pos:]
        self.ends = ends + self.ends[pos:]


def _subsequence(new: str, old: str, offset: int) -> list[int]:
    """Where each character of `new` sits in `old` (+offset), or -1s if it is not a
    subsequence."""
    found: list[int] = []
    j = 0
    for c in new:
        j = old.find(c, j)
        if j < 0:
            return [-1] * len(new)
        found.append(offset + j)
        j += 1
    return found
