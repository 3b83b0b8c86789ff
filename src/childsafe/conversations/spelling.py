"""Tactics spelled one letter per message ("add me on" / s / n / a / p), read back by joining
the author's single-letter messages to the words around them."""

from __future__ import annotations

from childsafe.conversations.state import AuthorState
from childsafe.signals.base import Cue
from childsafe.signals.cues import detect_cues

SPELLED_LETTERS = 24  # at most this many one-letter messages are joined back into words
SPELL_CONTEXT = 80  # characters of the author's previous message kept to read them with


def spelled_cues(
    author: AuthorState, plain: str, message_id: str, found: set[str]
) -> tuple[Cue, ...]:
    """Tactics spelled one letter per message ("add me on" / s / n / a / p), read by joining
    the author's single-letter messages back to the words around them."""
    if len(plain) == 1 and plain.isalnum():
        author.spelled = (author.spelled + plain)[-SPELLED_LETTERS:]
        if len(author.spelled) < 3:
            return ()
        before = author.spell_context
        joined = f"{before} {author.spelled}"
        # the message before the letters was read on its own when it came
        already = found | {c.name for c in detect_cues(before, message_id, before)}
    else:
        joined = f"{author.spelled} {plain}" if len(author.spelled) >= 3 else ""
        author.spelled = ""
        author.spell_context = plain[-SPELL_CONTEXT:]
        if not joined:
            return ()
        already = found  # this message's own tactics
    # `joined` is already plain text, so the words as written are the words matched
    return tuple(c for c in detect_cues(joined, message_id, joined) if c.name not in already)
