"""Every author stream of some units with each message's n-gram counts, so a peer can be fitted
on whole author documents and score every prefix of every stream exactly (see `peer`,
"Streaming")."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from scipy import sparse
from sklearn.svm import LinearSVC

from childsafe.evaluation.crossval import Unit
from childsafe.evaluation.peer_model import (
    MAX_FEATURES,
    MAX_ITER,
    MIN_DF,
    ClassWeight,
    PeerModel,
    message_counts,
    tfidf,
)
from childsafe.evaluation.streaming import AuthorStream

_CHUNK_ENTRIES = 4_000_000


class PeerCorpus:
    """Every author stream of some units, with each message's n-gram counts and the
    per-message increments needed to score any prefix under any vocabulary and idf."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = list(units)
        unit_of: list[int] = []
        authors: list[str] = []
        predator: list[bool] = []
        positions: list[list[int]] = []
        texts: list[str] = []
        for u, unit in enumerate(self.units):
            conversation = unit.conversation
            mine: dict[str, int] = {}
            for index, message in enumerate(conversation.messages):
                s = mine.get(message.sender)
                if s is None:
                    s = mine[message.sender] = len(authors)
                    unit_of.append(u)
                    authors.append(message.sender)
                    predator.append(message.sender in conversation.predator_ids)
                    positions.append([])
                positions[s].append(index)
            for s in mine.values():
                texts.extend(conversation.messages[i].text for i in positions[s])
        self.stream_unit = np.array(unit_of, dtype=np.int64)
        self.authors = authors
        self.is_predator = np.array(predator, dtype=bool)
        self.positions = [np.asarray(p, dtype=np.int32) for p in positions]
        lengths = np.array([len(p) for p in positions], dtype=np.int64)
        self.stream_start = np.concatenate([[0], np.cumsum(lengths)])
        self.row_stream = np.repeat(np.arange(len(authors)), lengths)
        counts, self.terms = message_counts(texts)
        self._prepare(counts)

    @property
    def n_streams(self) -> int:
        return len(self.authors)

    def _prepare(self, counts: sparse.csr_matrix) -> None:
        """Per count entry (message, n-gram): the increment of the sublinear tf, and of its
        square, that the message brings to its author's running vector; and the authors'
        whole documents (total counts)."""
        n_features = counts.shape[1]
        self.entry_row = np.repeat(
            np.arange(counts.shape[0], dtype=np.int32), np.diff(counts.indptr)
        )
        self.entry_feature = counts.indices.astype(np.int32)
        self.delta = np.empty(counts.nnz, dtype=np.float64)
        self.delta2 = np.empty(counts.nnz, dtype=np.float64)
        doc_streams, doc_features, doc_counts = [], [], []
        entry_start = counts.indptr[self.stream_start]
        s0 = 0
        while s0 < self.n_streams:
            s1 = int(np.searchsorted(entry_start, entry_start[s0] + _CHUNK_ENTRIES, "right"))
            s1 = min(max(s1 - 1, s0 + 1), self.n_streams)
            e0, e1 = int(entry_start[s0]), int(entry_start[s1])
            stream = self.row_stream[self.entry_row[e0:e1]].astype(np.int64)
            key = stream * n_features + self.entry_feature[e0:e1]
            order = np.argsort(key, kind="stable")  # keeps message order within a key
            key = key[order]
            if not len(key):
                s0 = s1
                continue
            step = counts.data[e0:e1][order].astype(np.int64)
            first = np.ones(len(key), dtype=bool)
            first[1:] = key[1:] != key[:-1]
            starts = np.flatnonzero(first)
            total = np.cumsum(step)
            after = total - np.repeat((total - step)[starts], np.diff(np.r_[starts, len(key)]))
            before = after - step
            s_after = 1.0 + np.log(after)
            s_before = np.where(before > 0, 1.0 + np.log(np.maximum(before, 1)), 0.0)
            delta = np.empty(len(key))
            delta2 = np.empty(len(key))
            delta[order] = s_after - s_before
            delta2[order] = s_after**2 - s_before**2
            self.delta[e0:e1] = delta
            self.delta2[e0:e1] = delta2
            last = np.r_[starts[1:] - 1, len(key) - 1]
            doc_streams.append(key[last] // n_features)
            doc_features.append(key[last] % n_features)
            doc_counts.append(after[last])
            s0 = s1
        streams = np.concatenate(doc_streams) if doc_streams else np.zeros(0, np.int64)
        self.documents = sparse.csr_matrix(
            (
                np.concatenate(doc_counts) if doc_counts else np.zeros(0),
                np.concatenate(doc_features) if doc_features else np.zeros(0, np.int64),
                np.concatenate([[0], np.cumsum(np.bincount(streams, minlength=self.n_streams))]),
            ),
            shape=(self.n_streams, n_features),
            dtype=np.float64,
        )

    def fit(
        self,
        streams: np.ndarray,
        class_weight: ClassWeight = None,
        max_features: int | None = MAX_FEATURES,
        seed: int = 0,
    ) -> PeerModel:
        """Vectorizer (min_df, max_features, idf as TfidfVectorizer fits them) and LinearSVC
        on the whole documents of these streams."""
        docs = self.documents[streams]
        df = np.bincount(docs.indices, minlength=docs.shape[1])
        mask = df >= MIN_DF
        if max_features is not None and mask.sum() > max_features:
            tfs = np.asarray(docs.sum(axis=0)).ravel()
            keep = (-tfs[mask]).argsort()[:max_features]  # as sklearn's _limit_features
            limited = np.zeros(len(mask), dtype=bool)
            limited[np.flatnonzero(mask)[keep]] = True
            mask = limited
        features = np.flatnonzero(mask)
        n = docs.shape[0]
        idf = np.log((1.0 + n) / (1.0 + df[features])) + 1.0
        x = tfidf(docs, features, idf)
        labels = self.is_predator[streams].astype(int)
        weights = np.array([self.units[u].weight for u in self.stream_unit[streams]])
        classifier = LinearSVC(class_weight=class_weight, max_iter=MAX_ITER, random_state=seed)
        classifier.fit(x, labels, sample_weight=weights)
        return PeerModel(
            features,
            [self.terms[f] for f in features],
            idf,
            classifier.coef_.ravel().astype(np.float64),
            float(classifier.intercept_[0]),
            class_weight=class_weight,
        )

    def stream_scores(self, model: PeerModel) -> list[np.ndarray]:
        """Decision value (minus the model's threshold) after every message of every stream."""
        gain = np.zeros(len(self.terms))
        gain[model.features] = model.coef * model.idf
        norm = np.zeros(len(self.terms))
        norm[model.features] = model.idf**2
        rows = len(self.row_stream)
        numerator = np.zeros(rows)
        square = np.zeros(rows)
        for e0 in range(0, len(self.entry_row), _CHUNK_ENTRIES):
            e = slice(e0, e0 + _CHUNK_ENTRIES)
            row, feature = self.entry_row[e], self.entry_feature[e]
            numerator += np.bincount(row, gain[feature] * self.delta[e], minlength=rows)
            square += np.bincount(row, norm[feature] * self.delta2[e], minlength=rows)
        numerator = _per_stream_cumsum(numerator, self.stream_start, self.row_stream)
        square = _per_stream_cumsum(square, self.stream_start, self.row_stream)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(square > 0, numerator / np.sqrt(np.maximum(square, 1e-300)), 0.0)
        value += model.intercept - model.threshold
        return [
            value[self.stream_start[s] : self.stream_start[s + 1]] for s in range(self.n_streams)
        ]

    def author_streams(
        self, streams: np.ndarray, scores: list[np.ndarray], fold: int
    ) -> Iterator[AuthorStream]:
        for s in streams:
            unit = self.units[self.stream_unit[s]]
            yield AuthorStream(
                unit.source,
                unit.conversation.conversation_id,
                self.authors[s],
                bool(self.is_predator[s]),
                unit.ordered,
                len(unit.conversation.messages),
                self.positions[s],
                scores[s].astype(np.float32),
                fold,
            )


def _per_stream_cumsum(values: np.ndarray, start: np.ndarray, row_stream: np.ndarray) -> np.ndarray:
    """Running sums restarting at each stream's first row."""
    total = np.cumsum(values)
    before = np.r_[0.0, total][start[:-1]]
    return total - before[row_stream]
