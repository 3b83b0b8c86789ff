"""A classic PAN-2012-style peer baseline, cross-validated on exactly our folds.

What: the PAN-2012 author-profiling baseline. A document is one author's text in one
conversation (their messages joined by newlines), labelled 1 if the author is a known
predator; features are TF-IDF over character 3-5 grams within word boundaries
(`TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)`);
the classifier is a `LinearSVC` with sample weights = `Unit.weight`. Folds are those of
`crossval.cross_validate` (`fold_of(unit.group, folds, seed)`). Inside each fold an inner
3-fold CV grouped by `Unit.group` picks class_weight (None or "balanced") and the threshold
that maximise author-level F0.5 on the inner out-of-fold streams' peaks (the threshold is the
middle of the best interval, between the lowest flagged and the highest unflagged peak); the
model is then refitted on the fold's whole training set.

Why: to know how our streaming detector compares with the standard whole-text approach on the
same predators, folds and figures (`metrics.Scorecard`).

Streaming: the score after each of an author's messages is the classifier's decision on the
author's text so far. Every message's raw n-gram counts are computed once (char_wb pads each
whitespace-separated word, so the counts of a joined text are the sum of its messages'
counts); the change each message makes to the numerator (coef . tf-idf) and to the squared
norm of the author's sublinear tf-idf vector is precomputed per (author, n-gram), so any
model's scores after every message are two weighted bincounts and a cumulative sum. The
scores are exact at every message, also in the long unordered Koutli files (no checkpoints).
Scores are decision value minus the fold's threshold, so an alert is a score >= 0.

scikit-learn is used here only, at evaluation time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.model_selection import GroupKFold
from sklearn.svm import LinearSVC

from childsafe.evaluation.crossval import Unit, fold_of
from childsafe.evaluation.metrics import F_BETA
from childsafe.evaluation.streaming import AuthorStream

NGRAMS = (3, 5)
MIN_DF = 2
# None: every n-gram with df >= 2 (~0.5 M on the development data; memory is dominated by the
# per-message counts, not by the vocabulary, so no cap is needed).
MAX_FEATURES: int | None = None
INNER_FOLDS = 3
CLASS_WEIGHTS: tuple[Literal["balanced"] | None, ...] = (None, "balanced")
MAX_ITER = 5000
_CHUNK_ENTRIES = 4_000_000

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
        counts, self.terms = _message_counts(texts)
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
        x = _tfidf(docs, features, idf)
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

    def choose(
        self,
        streams: np.ndarray,
        groups: np.ndarray,
        class_weights: Sequence[ClassWeight] = CLASS_WEIGHTS,
        max_features: int | None = MAX_FEATURES,
        seed: int = 0,
    ) -> tuple[ClassWeight, float, float]:
        """(class_weight, threshold, inner F0.5): inner grouped CV over these streams, the
        threshold maximising author-level F0.5 of the out-of-fold stream peaks."""
        splits = list(GroupKFold(n_splits=INNER_FOLDS).split(streams, groups=groups))
        best: tuple[ClassWeight, float, float] | None = None
        for class_weight in class_weights:
            peaks = np.empty(len(streams))
            for inner_train, inner_test in splits:
                model = self.fit(streams[inner_train], class_weight, max_features, seed)
                scores = self.stream_scores(model)
                peaks[inner_test] = [scores[s].max() for s in streams[inner_test]]
            threshold, f = best_threshold(*self.author_peaks(streams, peaks))
            if best is None or f > best[2]:
                best = (class_weight, threshold, f)
        assert best is not None
        return best

    def author_peaks(self, streams: np.ndarray, peaks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Peak and label per author (source, author id) over their streams, as Scorecard."""
        keys: dict[tuple[str, str], int] = {}
        index = np.empty(len(streams), dtype=np.int64)
        for i, s in enumerate(streams):
            key = (self.units[self.stream_unit[s]].source, self.authors[s])
            index[i] = keys.setdefault(key, len(keys))
        author_peak = np.full(len(keys), -np.inf)
        np.maximum.at(author_peak, index, peaks)
        author_predator = np.zeros(len(keys), dtype=bool)
        np.logical_or.at(author_predator, index, self.is_predator[streams])
        return author_peak, author_predator


def best_threshold(peaks: np.ndarray, is_predator: np.ndarray) -> tuple[float, float]:
    """(threshold, F0.5): the threshold maximising F0.5 when authors with peak >= threshold
    are flagged, midway between the lowest flagged peak and the next lower peak."""
    order = np.argsort(-peaks, kind="stable")
    values, labels = peaks[order], is_predator[order]
    positives = int(labels.sum())
    if positives == 0:
        raise ValueError("choosing a threshold needs at least one predator")
    last = np.r_[np.flatnonzero(values[1:] != values[:-1]), len(values) - 1]
    tp = np.cumsum(labels)[last]
    flagged = last + 1
    precision, recall = tp / flagged, tp / positives
    b2 = F_BETA * F_BETA
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(tp > 0, (1 + b2) * precision * recall / (b2 * precision + recall), 0.0)
    i = int(np.argmax(f))
    lowest = values[last[i]]
    below = values[last[i] + 1] if last[i] + 1 < len(values) else lowest - 1.0
    return float((lowest + below) / 2.0), float(f[i])


def peer_cross_validate(
    train: Sequence[Unit],
    evaluate: Sequence[Unit],
    folds: int,
    seed: int,
    progress: Callable[[str], None] | None = None,
    *,
    max_features: int | None = MAX_FEATURES,
    class_weights: Sequence[ClassWeight] = CLASS_WEIGHTS,
    fitted: list[PeerModel] | None = None,
) -> Iterator[AuthorStream]:
    """Each evaluated unit scored, message by message, by a peer that never saw its fold
    (fold k: trained on the `train` units with fold != k, scores the `evaluate` units with
    fold == k). Scores are relative to the fold's threshold. Each fold's model is appended to
    `fitted` when given."""
    units: list[Unit] = []
    seen: dict[int, int] = {}
    for unit in [*train, *evaluate]:
        seen.setdefault(id(unit), len(units))
        if len(seen) > len(units):
            units.append(unit)
    corpus = PeerCorpus(units)
    unit_fold = np.array([fold_of(u.group, folds, seed) for u in units], dtype=np.int64)
    in_train = np.zeros(len(units), dtype=bool)
    in_train[[seen[id(u)] for u in train]] = True
    in_evaluate = np.zeros(len(units), dtype=bool)
    in_evaluate[[seen[id(u)] for u in evaluate]] = True
    stream_fold = unit_fold[corpus.stream_unit]
    groups = np.array([u.group for u in units], dtype=object)[corpus.stream_unit]
    for k in range(folds):
        training = np.flatnonzero(in_train[corpus.stream_unit] & (stream_fold != k))
        scored = np.flatnonzero(in_evaluate[corpus.stream_unit] & (stream_fold == k))
        class_weight, threshold, inner_f = corpus.choose(
            training, groups[training], class_weights, max_features, seed
        )
        model = corpus.fit(training, class_weight, max_features, seed)
        model.threshold, model.fold = threshold, k
        if fitted is not None:
            fitted.append(model)
        if progress is not None:
            progress(
                f"peer fold {k + 1}/{folds}: trained on {len(training):,} author documents, "
                f"{len(model.features):,} n-grams, class_weight={class_weight}, "
                f"threshold {threshold:.4f} (inner F0.5 {inner_f:.3f}); "
                f"scoring {len(np.unique(corpus.stream_unit[scored])):,} conversations"
            )
        scores = corpus.stream_scores(model)
        yield from corpus.author_streams(scored, scores, k)


def _message_counts(texts: Sequence[str]) -> tuple[sparse.csr_matrix, list[str]]:
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


def _tfidf(docs: sparse.csr_matrix, features: np.ndarray, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear tf * idf, l2-normalised, over the vocabulary `features` (as TfidfVectorizer)."""
    x = sparse.csr_matrix(docs[:, features], dtype=np.float64)
    x.data = 1.0 + np.log(x.data)
    x = sparse.csr_matrix(x @ sparse.diags(idf))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ x)


def _per_stream_cumsum(values: np.ndarray, start: np.ndarray, row_stream: np.ndarray) -> np.ndarray:
    """Running sums restarting at each stream's first row."""
    total = np.cumsum(values)
    before = np.r_[0.0, total][start[:-1]]
    return total - before[row_stream]
