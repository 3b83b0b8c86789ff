"""Exact-hash lookup (MD5, SHA-256): a sorted array of fixed-width digests, binary searched.

A sorted numpy array costs the digest bytes and nothing more (16 or 32 bytes a hash, versus
~100 for a Python set of bytes), so even a 10M-entry MD5 list stays at 160 MB.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt


class ExactIndex:
    """Rows are positions in the order the digests were given."""

    def __init__(self, hex_digests: Iterable[str], digest_bytes: int) -> None:
        raw = [bytes.fromhex(value) for value in hex_digests]
        if any(len(digest) != digest_bytes for digest in raw):
            raise ValueError(f"every digest must be {digest_bytes} bytes")
        self.digest_bytes = digest_bytes
        # Void dtype compares raw bytes (an "S" dtype would drop trailing zero bytes).
        digests = (
            np.array(raw, dtype=f"V{digest_bytes}") if raw else np.empty(0, f"V{digest_bytes}")
        )
        self._order: npt.NDArray[np.int64] = np.argsort(digests, kind="stable")
        self._sorted = digests[self._order]

    def __len__(self) -> int:
        return len(self._sorted)

    def lookup(self, hex_digest: str) -> list[int]:
        """Rows whose digest equals this one (several when a list repeats a hash)."""
        key = np.array([bytes.fromhex(hex_digest)], dtype=f"V{self.digest_bytes}")
        first = int(np.searchsorted(self._sorted, key[0], side="left"))
        last = int(np.searchsorted(self._sorted, key[0], side="right"))
        return sorted(int(row) for row in self._order[first:last])
