"""The learned grooming text model: hashed n-grams and a linear model, scored in pure Python.

Training (childsafe.signals.training) fits the weights with scikit-learn; scoring needs only
the weight table, so one message costs a few dozen table look-ups.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zlib import crc32

import numpy as np

from childsafe.signals.features import feature_names, hashed_indices

MODEL_PATH = Path(__file__).with_name("models") / "grooming.npz"


@dataclass(frozen=True, slots=True)
class TermWeight:
    """One feature of a message and how much it pushed the score (for explanations)."""

    feature: str
    weight: float


class GroomingModel:
    """Per-message log-odds that the sender is grooming, from a hashed linear model.

    `meta` carries what training decided beyond the weights (e.g. the tracker's calibration).
    """

    def __init__(self, weights: np.ndarray, bias: float, meta: dict[str, Any]) -> None:
        buckets = len(weights)
        if buckets & (buckets - 1):
            raise ValueError(f"the weight table size must be a power of two, got {buckets}")
        self.buckets = buckets
        self.bias = float(bias)
        self.meta = meta
        # A Python list: summing a few dozen items is faster than a numpy gather per message.
        self._table = weights.astype(np.float64)
        self._weights: list[float] = self._table.tolist()

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> GroomingModel:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            return cls(data["weights"], float(data["bias"]), meta)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            weights=np.asarray(self._weights, dtype=np.float16),
            bias=np.float64(self.bias),
            meta=np.array(json.dumps(self.meta, sort_keys=True)),
        )

    def logit(self, text: str) -> float:
        indices = hashed_indices(text, self.buckets)
        if not indices:
            return self.bias
        weights = self._weights
        return self.bias + sum(weights[i] for i in indices) / math.sqrt(len(indices))

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Log-odds of many messages at once: hashed rows, then one sparse product."""
        rows = [hashed_indices(t, self.buckets) for t in texts]
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        if not lengths.sum():
            return np.full(len(rows), self.bias)
        columns = np.fromiter((i for r in rows for i in r), dtype=np.int64)
        owner = np.repeat(np.arange(len(rows)), lengths)
        sums = np.bincount(owner, weights=self._table[columns], minlength=len(rows))
        scale = 1.0 / np.sqrt(np.maximum(lengths, 1))
        return self.bias + sums * scale

    def probability(self, text: str) -> float:
        return 1.0 / (1.0 + math.exp(-self.logit(text)))

    def top_terms(self, text: str, limit: int = 3) -> list[TermWeight]:
        """The features that pushed this message's score up the most."""
        names = feature_names(text)
        if not names:
            return []
        mask = self.buckets - 1
        seen: dict[int, str] = {}
        for name in names:
            seen.setdefault(crc32(name.encode()) & mask, name)
        scale = 1.0 / math.sqrt(len(seen))
        ranked = sorted(
            (TermWeight(name[1:].strip(), self._weights[i] * scale) for i, name in seen.items()),
            key=lambda t: t.weight,
            reverse=True,
        )
        return [t for t in ranked[:limit] if t.weight > 0]
