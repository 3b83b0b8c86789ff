"""The PDQ index is exact: the same answer as comparing with every hash, for every layout."""

from __future__ import annotations

import numpy as np
import pytest

from childsafe.hashbanks.pdq_index import (
    Layout,
    PdqIndex,
    _region_values,
    hash_to_hex,
    hashes_from_hex,
)


def _near(rng: np.random.Generator, hashes: np.ndarray, distances: np.ndarray) -> np.ndarray:
    """Copies of `hashes` with exactly `distances[i]` random bits flipped."""
    bits = np.unpackbits(hashes, axis=1)
    for row, distance in enumerate(distances):
        bits[row, rng.choice(256, int(distance), replace=False)] ^= 1
    return np.packbits(bits, axis=1)


def _same(a, b) -> None:
    assert np.array_equal(a.rows, b.rows)
    assert np.array_equal(a.queries, b.queries)
    assert np.array_equal(a.distances, b.distances)


@pytest.mark.parametrize(
    ("size", "threshold", "layout"),
    [
        (2_000, 31, None),
        (40_000, 31, None),
        (40_000, 31, Layout(11, 18, 2)),
        (40_000, 31, Layout(8, 16, 3)),
        (40_000, 31, Layout(32, 8, 0)),
        (20_000, 12, None),
        (20_000, 45, None),
    ],
)
def test_search_equals_brute_force(size: int, threshold: int, layout: Layout | None) -> None:
    rng = np.random.default_rng(size + threshold)
    bank = rng.integers(0, 256, (size, 32), dtype=np.uint8)
    # Clusters of near-duplicates inside the bank make multi-hit answers likely.
    planted = rng.integers(0, size, 200)
    bank[-200:] = _near(rng, bank[planted], rng.integers(0, threshold + 4, 200))
    index = PdqIndex(bank, threshold, layout)
    sources = rng.integers(0, size, 60)
    queries = _near(rng, bank[sources], rng.integers(0, threshold + 8, 60))
    found = 0
    for start in range(0, 60, 6):  # groups of 6 queries, like an image's dihedral hashes
        group = queries[start : start + 6]
        hits = index.search(group)
        _same(hits, index.brute_force(group))
        found += len(hits)
    assert found > 30  # the comparison covered real matches, not only empty answers


def test_boundary_distance_is_inclusive() -> None:
    rng = np.random.default_rng(7)
    bank = rng.integers(0, 256, (5_000, 32), dtype=np.uint8)
    index = PdqIndex(bank, 31)
    at_31 = _near(rng, bank[:1], np.array([31]))
    at_32 = _near(rng, bank[:1], np.array([32]))
    assert 0 in index.search(at_31).rows
    assert 0 not in index.search(at_32).rows
    assert 0 not in index.search(at_31, threshold=30).rows


def test_region_values_match_the_bits() -> None:
    rng = np.random.default_rng(3)
    hashes = rng.integers(0, 256, (50, 32), dtype=np.uint8)
    bits = np.unpackbits(hashes, axis=1).astype(np.int64)
    for start, width in [(0, 23), (50, 23), (60, 9), (63, 2), (120, 17), (233, 23), (0, 8)]:
        expected = bits[:, start : start + width] @ (1 << np.arange(width - 1, -1, -1))
        assert np.array_equal(_region_values(hashes, start, width), expected)


def test_hex_round_trip_and_bad_hex() -> None:
    value = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
    assert hash_to_hex(hashes_from_hex([value])[0]) == value
    with pytest.raises(ValueError):
        hashes_from_hex(["f8f8"])
    with pytest.raises(ValueError):
        hashes_from_hex(["zz" * 32])


def test_layouts_that_could_miss_are_refused() -> None:
    bank = np.zeros((10, 32), dtype=np.uint8)
    with pytest.raises(ValueError, match="cannot find"):
        PdqIndex(bank, 31, Layout(10, 16, 2))  # 10 regions x 3 = 30 < 32


def test_empty_bank_and_empty_query() -> None:
    index = PdqIndex(np.zeros((0, 32), dtype=np.uint8))
    assert len(index.search(np.zeros((8, 32), dtype=np.uint8))) == 0
