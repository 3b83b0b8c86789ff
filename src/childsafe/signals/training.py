"""Fitting the grooming text model: hashed features (as at inference) + a linear classifier.

scikit-learn is used for fitting only; the result is a plain weight table (GroomingModel).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import SGDClassifier

from childsafe.signals.features import hashed_indices
from childsafe.signals.grooming import GroomingModel

DEFAULT_BUCKETS = 1 << 20


def featurize(texts: Iterable[str], buckets: int = DEFAULT_BUCKETS) -> sparse.csr_matrix:
    """The hashed feature occurrences GroomingModel.logit sums, as rows (duplicates summed)."""
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for text in texts:
        row = hashed_indices(text, buckets)
        indices.extend(row)
        values.extend([1.0 / math.sqrt(len(row))] * len(row) if row else [])
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (
            np.asarray(values, dtype=np.float32),
            np.asarray(indices, dtype=np.int32),
            np.asarray(indptr, dtype=np.int64),
        ),
        shape=(len(indptr) - 1, buckets),
    )
    matrix.sum_duplicates()
    return matrix


def fit(
    features: sparse.csr_matrix,
    labels: Sequence[int] | np.ndarray,
    weights: Sequence[float] | np.ndarray,
    seed: int,
    meta: dict[str, Any] | None = None,
) -> GroomingModel:
    """Logistic regression by averaged SGD (fast on a million sparse rows; fixed seed).

    A small L2 penalty: the features are sparse and the rows many; it was picked by
    message-level AUC on one development fold."""
    classifier = SGDClassifier(
        loss="log_loss",
        alpha=2.5e-7,
        max_iter=8,
        tol=None,
        average=True,
        random_state=seed,
    )
    classifier.fit(features, np.asarray(labels), sample_weight=np.asarray(weights))
    table = classifier.coef_.ravel().astype(np.float32)
    return GroomingModel(table, float(classifier.intercept_[0]), meta or {})


def logits(model_weights: np.ndarray, bias: float, features: sparse.csr_matrix) -> np.ndarray:
    """Per-row log-odds of many featurised messages at once (the batched path)."""
    return np.asarray(features @ model_weights, dtype=np.float64).ravel() + bias
