"""Reported speech: quoted words ("they say 'send a pic'") are someone else's, as in safety
lessons and children's disclosures, so neither the tactics nor the text model read them.
Bounded so one stray quote cannot hide a whole message."""

from __future__ import annotations

import re

_QUOTED = re.compile(r'"[^"]{1,200}"|“[^”]{1,200}”|‘[^’]{1,200}’')


def without_quotes(text: str) -> str:
    """The text with quoted passages blanked out (same length, so offsets still hold)."""
    if '"' not in text and "“" not in text and "‘" not in text:
        return text
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)
