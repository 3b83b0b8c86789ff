"""Hashed text features shared by training and inference, so both see identical columns.

Words, word bigrams and character 3/4-grams of the normalised text, hashed with CRC-32 into
a fixed number of buckets. Binary features, L2-normalised (each present bucket weighs
1/sqrt(k)). CRC-32 rather than Python's `hash()`: the latter is salted per process.
"""

from __future__ import annotations

import re
from itertools import pairwise
from zlib import crc32

_REPEATS = re.compile(r"(.)\1{2,}")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_WORD = re.compile(r"[a-z0-9']+")
CHAR_NGRAMS = (3, 4)
MAX_CHARS = 2000  # longer texts are cut: a message's first 2,000 characters decide its features


def normalise(text: str) -> str:
    """Lower-case, links and addresses masked, runs of 3+ equal characters cut to two."""
    text = text[:MAX_CHARS].lower()
    text = _URL.sub(" _url_ ", text)
    text = _EMAIL.sub(" _email_ ", text)
    return _REPEATS.sub(r"\1\1", text)


def feature_names(text: str) -> list[str]:
    """The feature strings of one message (before hashing); empty for an empty text."""
    norm = normalise(text)
    words = _WORD.findall(norm)
    if not words:
        return []
    names = ["w " + w for w in words]
    names.extend(["b " + a + " " + b for a, b in pairwise(words)])
    padded = " " + " ".join(words) + " "
    for n in CHAR_NGRAMS:
        names.extend(["c" + padded[i : i + n] for i in range(len(padded) - n + 1)])
    return names


def hashed_indices(text: str, buckets: int) -> list[int]:
    """Distinct bucket indices of one message's features (buckets must be a power of two)."""
    mask = buckets - 1
    return list({crc32(name.encode()) & mask for name in feature_names(text)})
