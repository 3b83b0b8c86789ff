"""The peer's model: the PAN-2012 baseline's vectorizer settings (character 3-5 grams within
word boundaries, sublinear tf-idf) and one fitted peer (vocabulary, idf, linear SVM, threshold).
See `peer` for the method and why it is here. scikit-learn is used at evaluation time only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

NGRAMS = (3, 5)
MIN_DF = 2
# None: every n-gram with df >= 2 (~0.5 M on the development data; memory is dominated by the
# per-message counts, not by the vocabulary, so no cap is needed).
MAX_FEATURES: int | None = None
MAX_ITER = 5000

ClassWeight = Literal["balanced"] | None


def peer_vectorizer(max_features: int | None = MAX_FEATURES) -> TfidfVectorizer:
    """The reference vectorizer the peer reproduces (used as such in the tests)."""
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=NGRAMS,
        sublinear_tf=True,
        min_df=MIN_DF,
        lowercase=True,
        max_features=max_features,
    )


@dataclass(slots=True)
class PeerModel:
    """One fitted peer: its vocabulary (indices into the corpus' n-grams), idf, linear model
    and threshold."""

    features: np.ndarray  # corpus feature index of each vocabulary entry (ascending)
    vocabulary: list[str]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float = 0.0
    class_weight: ClassWeight = None
    fold: int = -1

    def vectorizer(self) -> TfidfVectorizer:
        """A TfidfVectorizer that transforms text the way this model was trained."""
        vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=NGRAMS,
            sublinear_tf=True,
            lowercase=True,
            vocabulary={term: i for i, term in enumerate(self.vocabulary)},
        )
        vectorizer.idf_ = self.idf
        return vectorizer

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Decision values of whole texts (reference path, via scikit-learn)."""
        return np.asarray(self.vectorizer().transform(texts) @ self.coef) + self.intercept


def message_counts(texts: Sequence[str]) -> tuple[sparse.csr_matrix, list[str]]:
    """Raw char_wb 3-5 gram counts of each text (each distinct text analysed once)."""
    distinct: dict[str, int] = {}
    ids = np.array([distinct.setdefault(t, len(distinct)) for t in texts], dtype=np.int64)
    counter = CountVectorizer(
        analyzer="char_wb", ngram_range=NGRAMS, lowercase=True, dtype=np.int32
    )
    try:
        counts = sparse.csr_matrix(counter.fit_transform(list(distinct)))
    except ValueError:  # no n-gram at all (only empty or very short texts)
        return sparse.csr_matrix((len(texts), 0), dtype=np.int32), []
    return counts[ids], list(counter.get_feature_names_out())


def tfidf(docs: sparse.csr_matrix, features: np.ndarray, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear tf * idf, l2-normalised, over the vocabulary `features` (as TfidfVectorizer)."""
    x = sparse.csr_matrix(docs[:, features], dtype=np.float64)
    x.data = 1.0 + np.log(x.data)
    x = sparse.csr_matrix(x @ sparse.diags(idf))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ x)
