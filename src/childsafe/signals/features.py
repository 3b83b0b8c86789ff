"""Hashed text features shared by training and inference, so both see identical columns.

Features: each word, each pair of adjacent words, and the character 3- and 4-grams of each
word padded with spaces (" word "), hashed with CRC-32 into a power-of-two number of
buckets. Occurrences are counted (a repeated feature counts twice) and each is worth
1/sqrt(total occurrences). Everything but the word pairs belongs to a single word, so
inference can cache what each word contributes (see GroomingModel). CRC-32 rather than
Python's hash(): the latter is salted per process.
"""

from __future__ import annotations

import re
from itertools import pairwise
from zlib import crc32

from childsafe.signals.base import WORD_CHARS

_REPEATS = re.compile(r"(.)\1{2,}")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_WORD = re.compile(rf"[{WORD_CHARS}']+")
CHAR_NGRAMS = (3, 4)
MAX_CHARS = 2000  # longer texts are cut: a message's first 2,000 characters decide its features


def normalise(text: str) -> str:
    """Lower-case, links and addresses masked, runs of 3+ equal characters cut to two."""
    text = text[:MAX_CHARS].lower()
    if "http" in text or "www." in text:
        text = _URL.sub(" _url_ ", text)
    if "@" in text:
        text = _EMAIL.sub(" _email_ ", text)
    return _REPEATS.sub(r"\1\1", text)


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def word_feature_names(word: str) -> list[str]:
    """The features that belong to one word: the word itself and its character n-grams."""
    padded = f" {word} "
    names = ["w " + word]
    for n in CHAR_NGRAMS:
        names.extend(["c" + padded[i : i + n] for i in range(len(padded) - n + 1)])
    return names


def pair_feature_name(first: str, second: str) -> str:
    return f"b {first} {second}"


def feature_names(text: str) -> list[str]:
    """Every feature occurrence of one message (before hashing); empty for an empty text."""
    tokens = words(text)
    names = [name for word in tokens for name in word_feature_names(word)]
    names.extend(pair_feature_name(a, b) for a, b in pairwise(tokens))
    return names


def bucket(name: str, buckets: int) -> int:
    return crc32(name.encode()) & (buckets - 1)


def hashed_indices(text: str, buckets: int) -> list[int]:
    """Bucket of every feature occurrence of one message (buckets: a power of two)."""
    return [bucket(name, buckets) for name in feature_names(text)]
