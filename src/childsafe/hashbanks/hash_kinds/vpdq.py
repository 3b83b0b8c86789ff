"""vPDQ: Meta's video hash, a PDQ hash per sampled frame (one a second), matched by the share
of frames that agree (`vpdq_index`).

A bank entry is one whole video: its frames are stored beside the entry (`frames`, in
threatexchange's signal string: a JSON list of "hash,quality,timestamp"), and the entry's value
is the SHA-256 of that string, so the same video imported twice is kept once. Lists are read in
threatexchange's form or as a vpdq hash file (`frame_number,quality,hash,timestamp` per line).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from childsafe.hashbanks.hash_kinds.spec import HashKindSpec

# vpdq's and threatexchange's defaults: frames under this PDQ quality are not compared, two
# frames within this distance agree, and two videos match when at least this share of each
# one's (distinct, good) frames agree with a frame of the other.
QUALITY_THRESHOLD = 50
DISTANCE_THRESHOLD = 31
MATCH_PERCENT = 80.0
# The longest video we accept in a bank (a day at one frame a second).
MAX_FRAMES = 86_400

_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class VpdqFrame:
    pdq: str  # 64 lower-case hex characters
    quality: int  # 0..100
    timestamp: float  # seconds into the video

    def __str__(self) -> str:
        return f"{self.pdq},{self.quality},{self.timestamp:.3f}"


def _frame(pdq: str, quality: str, timestamp: str) -> VpdqFrame:
    pdq = pdq.strip().lower()
    if not _HEX.fullmatch(pdq):
        raise ValueError(f"{pdq[:70]!r} is not a 64-character hex PDQ hash")
    frame = VpdqFrame(pdq, int(quality), float(timestamp))
    if not 0 <= frame.quality <= 100 or not 0 <= frame.timestamp < float("inf"):
        raise ValueError(f"quality {quality} or timestamp {timestamp} out of range")
    return frame


def parse_frames(text: str) -> tuple[VpdqFrame, ...]:
    """A video's frames from threatexchange's signal string or a vpdq hash file (ValueError)."""
    stripped = text.strip()
    try:
        if stripped.startswith("["):
            items = json.loads(stripped)
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise ValueError("a vPDQ signal is a JSON list of 'hash,quality,timestamp'")
            frames = tuple(_frame(*item.split(",")) for item in items)
        else:
            frames = tuple(_file_line(line) for line in stripped.splitlines() if line.strip())
    except (TypeError, ValueError) as error:  # TypeError: a line with the wrong field count
        raise ValueError(f"not a vPDQ hash: {error}") from None
    if not frames:
        raise ValueError("a vPDQ hash needs at least one frame")
    if len(frames) > MAX_FRAMES:
        raise ValueError(f"more than {MAX_FRAMES} frames")
    return frames


def _file_line(line: str) -> VpdqFrame:
    """`frame_number,quality,hash,timestamp` (vpdq's files), or with hash and quality swapped."""
    number, second, third, timestamp = line.strip().split(",")
    int(number)
    if _HEX.fullmatch(second.strip().lower()):
        return _frame(second, third, timestamp)
    return _frame(third, second, timestamp)


def signal_string(frames: tuple[VpdqFrame, ...]) -> str:
    """threatexchange's vPDQ signal string for these frames (what a bank entry stores)."""
    return json.dumps([str(frame) for frame in frames])


def entry_key(signal: str) -> str:
    """A bank entry's value: the SHA-256 of its signal string."""
    return hashlib.sha256(signal.encode()).hexdigest()


def validate(value: str) -> str:
    """Checks a vPDQ hash in either form and returns its signal string (ValueError)."""
    return signal_string(parse_frames(value))


def looks_like_vpdq_file(first_line: str) -> bool:
    """Is this the first line of a vpdq hash file (then the whole file is one video)?"""
    try:
        _file_line(first_line)
    except (TypeError, ValueError):
        return False
    return True


SPEC = HashKindSpec("vpdq", ("video_vpdq", "hash_vpdq"), None, validate=validate, whole_video=True)
