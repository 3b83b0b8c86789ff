"""The hash kinds a bank holds, and their names in the formats we import.

Validation uses python-threatexchange's own signal types, so a list it accepts we accept.
"""

from __future__ import annotations

from enum import StrEnum

from threatexchange.signal_type.md5 import VideoMD5Signal
from threatexchange.signal_type.pdq.signal import PdqSignal
from threatexchange.signal_type.sha256 import VideoSHA256Signal
from threatexchange.signal_type.signal_base import SignalType as TeSignalType


class HashKind(StrEnum):
    PDQ = "pdq"
    MD5 = "md5"
    SHA256 = "sha256"

    @property
    def threatexchange(self) -> type[TeSignalType]:
        return _THREATEXCHANGE[self]


_THREATEXCHANGE: dict[HashKind, type[TeSignalType]] = {
    HashKind.PDQ: PdqSignal,
    HashKind.MD5: VideoMD5Signal,
    HashKind.SHA256: VideoSHA256Signal,
}

# Names used by threatexchange (signal names and ThreatExchange indicator types) and common CSVs.
_ALIASES: dict[str, HashKind] = {
    "pdq": HashKind.PDQ,
    "hash_pdq": HashKind.PDQ,
    "photo_pdq": HashKind.PDQ,
    "md5": HashKind.MD5,
    "hash_md5": HashKind.MD5,
    "video_md5": HashKind.MD5,
    "hash_video_md5": HashKind.MD5,
    "sha256": HashKind.SHA256,
    "sha-256": HashKind.SHA256,
    "hash_sha256": HashKind.SHA256,
    "video_sha256": HashKind.SHA256,
    "hash_video_sha256": HashKind.SHA256,
}


class InvalidHash(ValueError):
    """A hash kind we do not know, or a value that is not a hash of that kind."""


def parse_kind(name: str) -> HashKind:
    kind = _ALIASES.get(name.strip().lower())
    if kind is None:
        known = ", ".join(sorted(_ALIASES))
        raise InvalidHash(f"unknown hash type {name!r} (known: {known})")
    return kind


def normalise(kind: HashKind, value: str) -> str:
    """Lower-case hex, checked by threatexchange's validator for that signal type."""
    cleaned = value.strip().lower()
    try:
        return str(kind.threatexchange.validate_signal_str(cleaned))
    except ValueError as error:
        raise InvalidHash(f"{value!r} is not a valid {kind.value} hash: {error}") from error
