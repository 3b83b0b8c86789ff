"""What the banks need to know about one hash kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from threatexchange.signal_type.signal_base import SignalType as TeSignalType

from childsafe.signals.image_hash import ImageHashes


@dataclass(frozen=True, slots=True)
class ExactDigest:
    """How an exact kind is matched: equal digests of this many bytes, the posted image's
    read from its hashes by `of_image`."""

    digest_bytes: int
    of_image: Callable[[ImageHashes], str]


@dataclass(frozen=True, slots=True)
class HashKindSpec:
    """`name` is the kind as stored; `aliases` its other names in the formats we import
    (threatexchange signal names and indicator types, common CSV headers); `threatexchange`
    the python-threatexchange signal type that validates a value, so a list it accepts we
    accept. `exact` says how an exact kind is matched; PDQ, matched by distance, has its own
    index (`pdq_index`)."""

    name: str
    aliases: tuple[str, ...]
    threatexchange: type[TeSignalType]
    exact: ExactDigest | None = None
