"""Match a posted video's vPDQ frames against a bank of videos, with vpdq's rule.

vpdq (and threatexchange's brute-force matcher) compare two videos by their distinct frames of
good quality (>= 50): the query's match share is the share of its frames within distance 31 of
any frame of the other video, the compared share the same the other way, and they match when
both are at least 80%. Comparing with every video of a large bank one by one is too slow, so
every good frame of every banked video goes into one exact PDQ index (`pdq_index`), a posted
video's frames are searched in one go, and only the videos sharing a frame are scored, with the
same counts as the brute-force rule. Each frame is also searched as its flips and turns (PDQ's
8 dihedral hashes), and a video matches as the transform that agrees best, so a mirrored
re-upload of a known video is caught.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from childsafe.hashbanks.hash_kinds.vpdq import (
    DISTANCE_THRESHOLD,
    MATCH_PERCENT,
    QUALITY_THRESHOLD,
    VpdqFrame,
)
from childsafe.hashbanks.pdq_index import PdqIndex, hashes_from_hex

DIHEDRAL = 8


@dataclass(frozen=True, slots=True)
class VideoHashes:
    """A posted video's hashes: MD5/SHA-256 of its bytes, and one vPDQ frame a second with
    the frame's 8 dihedral PDQ hashes (index 0 is the frame as it is)."""

    md5: str
    sha256: str
    frames: tuple[VpdqFrame, ...]
    dihedral: tuple[tuple[str, ...], ...]

    @property
    def good(self) -> list[int]:
        """The frames vpdq compares: quality >= 50, each distinct hash once (first kept)."""
        seen: set[str] = set()
        kept = []
        for i, frame in enumerate(self.frames):
            if frame.quality >= QUALITY_THRESHOLD and frame.pdq not in seen:
                seen.add(frame.pdq)
                kept.append(i)
        return kept

    @property
    def pdq(self) -> str:
        """The first good frame's PDQ (stored as the video's PDQ)."""
        return self.frames[(self.good or [0])[0]].pdq

    @property
    def pdq_quality(self) -> int:
        return self.frames[(self.good or [0])[0]].quality

    @property
    def pdq_dihedral(self) -> tuple[str, ...]:
        """Every good frame's 8 hashes in turn (frame i's variant v is at 8 * i + v): what is
        searched in image banks, so a known image shown in a video is found."""
        return tuple(h for i in self.good for h in self.dihedral[i])


@dataclass(frozen=True, slots=True)
class VideoMatch:
    row: int  # the banked video's position in the index's list
    variant: int  # which dihedral transform of the posted frames agreed
    query_percent: float
    compared_percent: float
    distance: int  # the closest pair of frames


class VpdqIndex:
    def __init__(self, videos: Sequence[Sequence[VpdqFrame]]) -> None:
        hashes: list[str] = []
        owners: list[int] = []
        self.frame_counts = np.zeros(len(videos), dtype=np.int64)
        for row, frames in enumerate(videos):
            distinct = {f.pdq for f in frames if f.quality >= QUALITY_THRESHOLD}
            hashes.extend(distinct)
            owners.extend([row] * len(distinct))
            self.frame_counts[row] = len(distinct)
        self._owners = np.asarray(owners, dtype=np.int64)
        self._frames = PdqIndex(hashes_from_hex(hashes), DISTANCE_THRESHOLD)

    def __len__(self) -> int:
        return len(self.frame_counts)

    def search(self, video: VideoHashes) -> list[VideoMatch]:
        """The banked videos this video matches (both shares >= 80%), best transform each."""
        good = video.good
        if not good or len(self._frames) == 0:
            return []
        queries = hashes_from_hex(h for i in good for h in video.dihedral[i])
        pairs = self._frames.search_pairs(queries)
        # (video, variant) -> the posted frames and the banked frames that agreed.
        posted: dict[tuple[int, int], set[int]] = defaultdict(set)
        banked: dict[tuple[int, int], set[int]] = defaultdict(set)
        closest: dict[tuple[int, int], int] = {}
        for row, query, distance in zip(
            pairs.rows.tolist(), pairs.queries.tolist(), pairs.distances.tolist(), strict=True
        ):
            key = (int(self._owners[row]), query % DIHEDRAL)
            posted[key].add(query // DIHEDRAL)
            banked[key].add(row)
            closest[key] = min(distance, closest.get(key, distance))
        best: dict[int, VideoMatch] = {}
        for key, frames in posted.items():
            owner, variant = key
            found = VideoMatch(
                owner,
                variant,
                100.0 * len(frames) / len(good),
                100.0 * len(banked[key]) / int(self.frame_counts[owner]),
                closest[key],
            )
            if found.query_percent < MATCH_PERCENT or found.compared_percent < MATCH_PERCENT:
                continue
            kept = best.get(owner)
            if kept is None or _score(found) > _score(kept):
                best[owner] = found
        return sorted(best.values(), key=lambda m: (m.row, m.variant))


def _score(match: VideoMatch) -> tuple[float, int]:
    return (min(match.query_percent, match.compared_percent), -match.distance)
