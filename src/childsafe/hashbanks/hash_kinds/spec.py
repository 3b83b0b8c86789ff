"""What the banks need to know about one hash kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from threatexchange.signal_type.signal_base import SignalType as TeSignalType


class FileDigests(Protocol):
    """The digests of a posted file's exact bytes (an image's or a video's hashes)."""

    @property
    def md5(self) -> str: ...

    @property
    def sha256(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ExactDigest:
    """How an exact kind is matched: equal digests of this many bytes, the posted file's
    read from its hashes by `of_image`."""

    digest_bytes: int
    of_image: Callable[[FileDigests], str]


@dataclass(frozen=True, slots=True)
class HashKindSpec:
    """`name` is the kind as stored; `aliases` its other names in the formats we import
    (threatexchange signal names and indicator types, common CSV headers); `threatexchange`
    the python-threatexchange signal type that validates a value, so a list it accepts we
    accept. `exact` says how an exact kind is matched; PDQ, matched by distance, has its own
    index (`pdq_index`). A kind whose threatexchange signal type needs a package we do not
    install (vPDQ's needs `vpdq`) brings its own `validate`, returning the stored form.
    `whole_video`: an entry is a video's frames, kept beside the entry (`vpdq_index`)."""

    name: str
    aliases: tuple[str, ...]
    threatexchange: type[TeSignalType] | None
    exact: ExactDigest | None = None
    validate: Callable[[str], str] | None = None
    whole_video: bool = False
