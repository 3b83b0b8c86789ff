"""The learned grooming text model: hashed n-grams and a linear model, scored in pure Python.

Training (childsafe.signals.training) fits the weights with scikit-learn; scoring needs only
the weight table, so one message costs a few dozen table look-ups.
"""

from __future__ import annotations

import json
import math
from itertools import pairwise
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from childsafe.signals.features import (
    bucket,
    pair_feature_name,
    word_feature_names,
    words,
)

MODEL_PATH = Path(__file__).with_name("models") / "grooming.npz"


class GroomingModel:
    """Log-odds that a window of an author's messages is grooming, from a hashed linear model.

    logit = bias + (sum of the weights of every feature occurrence) / sqrt(occurrences), over
    the window's messages (trained on windows of ten; see training.windows).
    What a word contributes (its own weight and its character n-grams') is cached, so a
    message costs one dictionary look-up per word plus one table look-up per word pair.
    `meta` carries what training decided beyond the weights (e.g. the tracker's calibration).
    """

    WORD_CACHE_SIZE = 200_000

    def __init__(self, weights: np.ndarray, bias: float, meta: dict[str, Any]) -> None:
        buckets = len(weights)
        if buckets < 2 or buckets & (buckets - 1):
            raise ValueError(f"the weight table size must be a power of two, got {buckets}")
        self.buckets = buckets
        self.bias = float(bias)
        self.meta = meta
        self._table = np.asarray(weights, dtype=np.float64)
        self._weights: list[float] = self._table.tolist()
        self._word_cache: dict[str, tuple[float, int]] = {}
        # Word pairs repeat as words do ("are you", "u wanna"): hashing each costs more than
        # looking it up.
        self._pair_cache: dict[tuple[str, str], float] = {}

    @classmethod
    def load(cls, path: Path | BinaryIO = MODEL_PATH) -> GroomingModel:
        """From a saved artifact: its path, or its bytes as a file (fetched from elsewhere)."""
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            return cls(data["weights"], float(data["bias"]), meta)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            weights=self._table.astype(np.float16),
            bias=np.float64(self.bias),
            meta=np.array(json.dumps(self.meta, sort_keys=True)),
        )

    def _word(self, word: str) -> tuple[float, int]:
        cached = self._word_cache.get(word)
        if cached is None:
            names = word_feature_names(word)
            weights = self._weights
            cached = (sum(weights[bucket(n, self.buckets)] for n in names), len(names))
            if len(self._word_cache) >= self.WORD_CACHE_SIZE:
                self._word_cache.clear()  # bounded memory; refills with the current vocabulary
            self._word_cache[word] = cached
        return cached

    def raw(self, text: str) -> tuple[float, int]:
        """(sum of the weights of every feature occurrence, number of occurrences)."""
        tokens = words(text)
        total = 0.0
        count = 0
        cache = self._word_cache
        for word in tokens:
            weight, n = cache.get(word) or self._word(word)
            total += weight
            count += n
        pairs = self._pair_cache
        for pair in pairwise(tokens):
            pair_weight = pairs.get(pair)
            if pair_weight is None:
                pair_weight = self._weights[bucket(pair_feature_name(*pair), self.buckets)]
                if len(pairs) >= self.WORD_CACHE_SIZE:
                    pairs.clear()  # bounded memory, as the word cache
                pairs[pair] = pair_weight
            total += pair_weight
            count += 1
        return total, count

    def window_logit(self, total: float, count: float) -> float:
        """Log-odds of a window whose summed raw() parts are (total, count)."""
        return self.bias + total / math.sqrt(count) if count > 0 else self.bias

    def logit(self, text: str) -> float:
        """Log-odds of one message taken as a window of its own."""
        return self.window_logit(*self.raw(text))

    def probability(self, text: str) -> float:
        return 1.0 / (1.0 + math.exp(-self.logit(text)))
