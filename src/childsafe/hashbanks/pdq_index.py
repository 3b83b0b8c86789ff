"""Exact PDQ matching at Hamming distance ≤ t by multi-index hashing, in vectorised numpy.

Why it is exact (no approximate misses): take k disjoint bit ranges ("regions") of the 256-bit
hash. The distances inside the regions sum to at most the whole distance, so if a bank hash is
within t of the query, some region differs in at most r = t // k bits (else the regions alone
would differ in k * (r + 1) > t bits). Each region keeps a table of bank hashes bucketed by
that region's bits; a query probes, in every region, every bucket within r bit flips of its own
bits, and every candidate found is verified by its full 256-bit distance. A true match is always
among the candidates, so nothing is missed; verification removes every false candidate.

With t = 31 we use k = 11 regions of up to 23 bits and r = 2: 1 + 23 + 253 = 277 buckets per
region, about 3,000 probes per query hash, and at 10M hashes about one hash per bucket, so a
few thousand candidates are verified with 4 popcounts each. Memory: the hashes (32 bytes each),
one uint32 id per hash per region, and one uint32 bucket offset per bucket per region.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import combinations, islice

import numpy as np
import numpy.typing as npt

HASH_BITS = 256
HASH_BYTES = HASH_BITS // 8
DEFAULT_THRESHOLD = 31
# Bucket tables larger than 2**23 entries per region cost more memory than they save time.
MAX_REGION_BITS = 23

HashArray = npt.NDArray[np.uint8]  # shape (n, 32): PDQ hashes as bytes, first bit = MSB


def hashes_from_hex(values: Iterable[str]) -> HashArray:
    """Parse 64-character hex PDQ hashes (as threatexchange and pdqhash tools write them)."""
    chunks = []
    source = iter(values)
    # In slices, so a 10M-hash bank never holds one 640 MB string.
    while chunk := list(islice(source, 65_536)):
        if any(len(value) != 2 * HASH_BYTES for value in chunk):
            raise ValueError("every PDQ hash must be 64 hex characters")
        try:
            raw = bytes.fromhex("".join(chunk))
        except ValueError as error:
            raise ValueError(f"not a hex PDQ hash: {error}") from error
        chunks.append(np.frombuffer(raw, dtype=np.uint8).reshape(-1, HASH_BYTES))
    if not chunks:
        return np.empty((0, HASH_BYTES), dtype=np.uint8)
    return np.concatenate(chunks)


def hash_to_hex(row: npt.NDArray[np.uint8]) -> str:
    return bytes(row).hex()


def _region_values(hashes: HashArray, start: int, bits: int) -> npt.NDArray[np.int64]:
    """The `bits`-bit value of each hash's bit range [start, start + bits), as int64."""
    # Big-endian words: word w holds bits 64w..64w+63 with bit 64w the most significant.
    words = hashes.view(">u8")
    word, offset = divmod(start, 64)
    if offset + bits <= 64:
        shifted = words[:, word].astype(np.uint64) >> np.uint64(64 - offset - bits)
    else:
        first = 64 - offset
        rest = bits - first
        high = (words[:, word].astype(np.uint64) & np.uint64((1 << first) - 1)) << np.uint64(rest)
        shifted = high | (words[:, word + 1].astype(np.uint64) >> np.uint64(64 - rest))
    return (shifted & np.uint64((1 << bits) - 1)).astype(np.int64)


def _distances(xor: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint16]:
    """Hamming distances of (n, 4) XORed words (summing columns beats sum(axis=1) by ~6x)."""
    counts = np.bitwise_count(xor).astype(np.uint16)
    summed: npt.NDArray[np.uint16] = counts[:, 0] + counts[:, 1] + counts[:, 2] + counts[:, 3]
    return summed


@cache
def _flip_masks(bits: int, radius: int) -> npt.NDArray[np.int64]:
    """Every `bits`-bit mask with at most `radius` bits set (the buckets a query must probe)."""
    masks = [0]
    for weight in range(1, min(radius, bits) + 1):
        masks.extend(sum(1 << b for b in chosen) for chosen in combinations(range(bits), weight))
    return np.asarray(masks, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Layout:
    """How the 256 bits are split: `regions` ranges of `region_bits` bits, probed at `radius`."""

    regions: int
    region_bits: int
    radius: int

    @classmethod
    def choose(cls, size: int, threshold: int) -> Layout:
        """The layout with the least expected work (probes + candidates) for this bank size."""
        best: tuple[float, Layout] | None = None
        # Four buckets per hash keeps buckets sparse; a candidate costs ~3 probes (measured).
        wanted_bits = int(np.ceil(np.log2(max(size, 2)))) + 2
        for radius in range(0, 5):
            regions = threshold // (radius + 1) + 1
            if regions > HASH_BITS:
                continue
            bits = min(MAX_REGION_BITS, HASH_BITS // regions, wanted_bits)
            probes = regions * len(_flip_masks(bits, radius))
            cost = probes * (1.0 + 3.0 * size / 2.0**bits)
            if best is None or cost < best[0]:
                best = (cost, cls(regions, bits, radius))
        assert best is not None
        return best[1]


@dataclass(frozen=True, slots=True)
class PdqHits:
    """Matches of one search: bank row, which query hash matched (e.g. which dihedral
    variant), and the Hamming distance; one row per bank hash, at its smallest distance."""

    rows: npt.NDArray[np.int64]
    queries: npt.NDArray[np.int64]
    distances: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.rows)


class PdqIndex:
    """Immutable exact PDQ index over (n, 32) uint8 hashes; rows are positions in that array."""

    def __init__(
        self, hashes: HashArray, threshold: int = DEFAULT_THRESHOLD, layout: Layout | None = None
    ) -> None:
        """`layout` defaults to the cheapest for the bank's size (tests pin others)."""
        if hashes.ndim != 2 or hashes.shape[1] != HASH_BYTES or hashes.dtype != np.uint8:
            raise ValueError("hashes must be a (n, 32) uint8 array")
        if not 0 <= threshold < HASH_BITS:
            raise ValueError(f"threshold must be in [0, {HASH_BITS}), got {threshold}")
        self.threshold = threshold
        self._hashes = np.ascontiguousarray(hashes)
        # Native uint64 view for popcounts (byte order does not change a popcount of XOR).
        self._words = self._hashes.view(np.uint64)
        self.layout = layout or Layout.choose(len(hashes), threshold)
        if self.layout.regions * (self.layout.radius + 1) <= threshold:
            raise ValueError(f"{self.layout} cannot find every hash within {threshold}")
        if self.layout.regions * self.layout.region_bits > HASH_BITS:
            raise ValueError(f"{self.layout} needs more than {HASH_BITS} bits")
        regions, bits = self.layout.regions, self.layout.region_bits
        buckets = 1 << bits
        self._bases = np.arange(regions, dtype=np.int64) * buckets
        # uint32 halves the memory; banks past ~390M hashes need wider offsets.
        wide = regions * len(hashes) >= 2**32
        self._offsets = np.zeros(regions * buckets + 1, dtype=np.int64 if wide else np.uint32)
        self._ids = np.empty(regions * len(hashes), dtype=np.uint32)
        # Regions are laid out with equal spacing across the 256 bits, `bits` bits each.
        self._starts = [(HASH_BITS // regions) * i for i in range(regions)]
        for region, start in enumerate(self._starts):
            values = _region_values(self._hashes, start, bits)
            counts = np.bincount(values, minlength=buckets)
            bucket_ends = np.cumsum(counts, dtype=np.int64) + region * len(hashes)
            self._offsets[region * buckets + 1 : (region + 1) * buckets + 1] = bucket_ends
            order = np.argsort(values, kind="stable").astype(np.uint32)
            self._ids[region * len(hashes) : (region + 1) * len(hashes)] = order
        self._masks = _flip_masks(bits, self.layout.radius)

    def __len__(self) -> int:
        return len(self._hashes)

    @property
    def nbytes(self) -> int:
        return self._hashes.nbytes + self._offsets.nbytes + self._ids.nbytes

    def hash_at(self, row: int) -> str:
        return hash_to_hex(self._hashes[row])

    def search(self, queries: HashArray, threshold: int | None = None) -> PdqHits:
        """All bank hashes within `threshold` (≤ the index's) of ANY of the query hashes.

        Pass the 8 dihedral hashes of an image to also catch its flipped and rotated copies.
        """
        return _closest_per_row(*self._pairs(queries, threshold))

    def search_pairs(self, queries: HashArray, threshold: int | None = None) -> PdqHits:
        """Every (bank hash, query hash) pair within `threshold`: a video's frames need to
        know each query frame that matched, not only the closest one per bank hash."""
        rows, query_of, distances = self._pairs(queries, threshold)
        # A hash near a query shares a bucket with it in several regions: keep each pair once.
        _, first = np.unique(rows * len(queries) + query_of, return_index=True)
        return PdqHits(rows[first], query_of[first], distances[first])

    def _pairs(
        self, queries: HashArray, threshold: int | None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        limit = self.threshold if threshold is None else threshold
        if limit > self.threshold:
            raise ValueError(f"the index was built for distances ≤ {self.threshold}")
        empty = np.empty(0, dtype=np.int64)
        if len(self._hashes) == 0 or len(queries) == 0:
            return empty, empty, empty
        queries = np.ascontiguousarray(queries, dtype=np.uint8).reshape(-1, HASH_BYTES)
        bits = self.layout.region_bits
        # keys[q, region, probe]: the bucket numbers to read, already offset to their region.
        own = np.stack([_region_values(queries, start, bits) for start in self._starts], axis=1)
        keys = (own[:, :, None] ^ self._masks[None, None, :]) + self._bases[None, :, None]
        keys = keys.reshape(-1)
        # np.take is several times faster than fancy indexing for these random gathers.
        starts = np.take(self._offsets, keys).astype(np.int64)
        lengths = np.take(self._offsets, keys + 1).astype(np.int64) - starts
        probes_per_query = keys.size // len(queries)
        nonempty = np.flatnonzero(lengths)
        starts, lengths = starts[nonempty], lengths[nonempty]
        total = int(lengths.sum())
        if total == 0:
            return empty, empty, empty
        # Expand the bucket ranges into one flat array of positions in self._ids.
        run_starts = np.cumsum(lengths) - lengths
        positions = np.repeat(starts - run_starts, lengths) + np.arange(total, dtype=np.int64)
        candidates = np.take(self._ids, positions).astype(np.int64)
        query_of = np.repeat(nonempty // probes_per_query, lengths)
        xor = np.take(self._words, candidates, axis=0) ^ np.take(
            queries.view(np.uint64), query_of, axis=0
        )
        distances = _distances(xor)
        keep = np.flatnonzero(distances <= limit)
        return candidates[keep], query_of[keep], distances[keep].astype(np.int64)

    def brute_force(self, queries: HashArray, threshold: int | None = None) -> PdqHits:
        """The same answer by comparing with every hash: the reference the tests check against."""
        limit = self.threshold if threshold is None else threshold
        query_words = np.ascontiguousarray(queries, dtype=np.uint8).reshape(-1, 32)
        rows, query_of, distances = [], [], []
        for q, words in enumerate(query_words.view(np.uint64)):
            d = _distances(self._words ^ words).astype(np.int64)
            found = np.flatnonzero(d <= limit)
            rows.append(found)
            query_of.append(np.full(len(found), q, dtype=np.int64))
            distances.append(d[found])
        if not rows:
            empty = np.empty(0, dtype=np.int64)
            return PdqHits(empty, empty, empty)
        return _closest_per_row(
            np.concatenate(rows), np.concatenate(query_of), np.concatenate(distances)
        )


def _closest_per_row(
    rows: npt.NDArray[np.int64], queries: npt.NDArray[np.int64], distances: npt.NDArray[np.int64]
) -> PdqHits:
    """One hit per bank row: the smallest distance (then the lowest query number)."""
    order = np.lexsort((queries, distances, rows))
    rows, queries, distances = rows[order], queries[order], distances[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    return PdqHits(rows[first], queries[first], distances[first])
