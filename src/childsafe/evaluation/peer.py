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

import numpy as np
from sklearn.model_selection import GroupKFold

from childsafe.evaluation.crossval import Unit, fold_of
from childsafe.evaluation.metrics import F_BETA
from childsafe.evaluation.peer_corpus import PeerCorpus
from childsafe.evaluation.peer_model import MAX_FEATURES, ClassWeight, PeerModel
from childsafe.evaluation.streaming import AuthorStream

INNER_FOLDS = 3
CLASS_WEIGHTS: tuple[ClassWeight, ...] = (None, "balanced")


def choose(
    corpus: PeerCorpus,
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
            model = corpus.fit(streams[inner_train], class_weight, max_features, seed)
            scores = corpus.stream_scores(model)
            peaks[inner_test] = [scores[s].max() for s in streams[inner_test]]
        threshold, f = best_threshold(*author_peaks(corpus, streams, peaks))
        if best is None or f > best[2]:
            best = (class_weight, threshold, f)
    assert best is not None
    return best


def author_peaks(
    corpus: PeerCorpus, streams: np.ndarray, peaks: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Peak and label per author (source, author id) over their streams, as Scorecard."""
    keys: dict[tuple[str, str], int] = {}
    index = np.empty(len(streams), dtype=np.int64)
    for i, s in enumerate(streams):
        key = (corpus.units[corpus.stream_unit[s]].source, corpus.authors[s])
        index[i] = keys.setdefault(key, len(keys))
    author_peak = np.full(len(keys), -np.inf)
    np.maximum.at(author_peak, index, peaks)
    author_predator = np.zeros(len(keys), dtype=bool)
    np.logical_or.at(author_predator, index, corpus.is_predator[streams])
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
        class_weight, threshold, inner_f = choose(
            corpus, training, groups[training], class_weights, max_features, seed
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
