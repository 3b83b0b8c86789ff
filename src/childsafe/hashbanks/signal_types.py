"""The hash kinds a bank holds, and their names in the formats we import.

Each kind is one module in `hash_kinds/` (names, validator, how it is matched); register a new
one by adding its `SPEC` to `HashKind` below. Validation uses python-threatexchange's own
signal types, so a list it accepts we accept.
"""

from __future__ import annotations

from enum import StrEnum

from threatexchange.signal_type.signal_base import SignalType as TeSignalType

from childsafe.hashbanks.hash_kinds import md5, pdq, sha256, vpdq
from childsafe.hashbanks.hash_kinds.spec import HashKindSpec


class HashKind(StrEnum):
    spec: HashKindSpec

    def __new__(cls, spec: HashKindSpec) -> HashKind:
        member = str.__new__(cls, spec.name)
        member._value_ = spec.name
        member.spec = spec
        return member

    PDQ = pdq.SPEC
    MD5 = md5.SPEC
    SHA256 = sha256.SPEC
    VPDQ = vpdq.SPEC

    @property
    def threatexchange(self) -> type[TeSignalType] | None:
        return self.spec.threatexchange


# Every name of every kind (its own and its aliases), lower-case.
_ALIASES: dict[str, HashKind] = {
    name: kind for kind in HashKind for name in (kind.value, *kind.spec.aliases)
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
    """Lower-case hex (vPDQ: its signal string), checked by threatexchange's validator for that
    signal type or the kind's own."""
    cleaned = value.strip().lower()
    try:
        if kind.spec.validate is not None:
            return kind.spec.validate(cleaned)
        assert kind.threatexchange is not None, f"{kind.value} names no validator"
        return str(kind.threatexchange.validate_signal_str(cleaned))
    except ValueError as error:
        raise InvalidHash(f"{value[:80]!r} is not a valid {kind.value} hash: {error}") from error
