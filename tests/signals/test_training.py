"""Training and inference see the same features; windows are built as the tracker scores."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np

from childsafe.signals.features import hashed_indices
from childsafe.signals.grooming import GroomingModel
from childsafe.signals.training import featurize, fit, windows

BUCKETS = 1 << 12
TEXTS = ["hi there", "how old r u", "ok", "send pic", "lol lol", "yes no", "a b c", ""]


def test_inference_matches_the_training_rows() -> None:
    rng = np.random.default_rng(3)
    model = GroomingModel(rng.normal(size=BUCKETS).astype(np.float32), -0.5, {})
    rows = featurize(TEXTS, BUCKETS)
    expected = rows @ model._table + model.bias
    assert np.allclose([model.logit(t) for t in TEXTS], expected)


def test_windows_sum_consecutive_messages_of_one_author() -> None:
    streams = np.array([0, 1, 0, 1, 0, 0, 1, 1])
    documents, first = windows(featurize(TEXTS, BUCKETS), streams, size=2)
    assert sorted(first.tolist()) == [0, 1, 4, 6]  # [0,2] [4,5] | [1,3] [6,7]
    counts = Counter(hashed_indices("hi there", BUCKETS)) + Counter(hashed_indices("ok", BUCKETS))
    total = sum(counts.values())
    row = documents[int(np.flatnonzero(first == 0)[0])].toarray().ravel()
    assert all(math.isclose(row[i], c / math.sqrt(total), rel_tol=1e-5) for i, c in counts.items())
    assert math.isclose(row.sum(), math.sqrt(total), rel_tol=1e-5)


def test_window_logit_of_summed_parts() -> None:
    rng = np.random.default_rng(4)
    model = GroomingModel(rng.normal(size=BUCKETS).astype(np.float32), 0.2, {})
    (t1, n1), (t2, n2) = model.raw("hi there"), model.raw("send pic")
    documents, _ = windows(featurize(["hi there", "send pic"], BUCKETS), np.array([0, 0]), 2)
    expected = float((documents @ model._table)[0]) + model.bias
    assert math.isclose(model.window_logit(t1 + t2, n1 + n2), expected, rel_tol=1e-5)
    assert model.window_logit(0.0, 0) == model.bias


def test_fit_is_reproducible_and_learns(tmp_path: Path) -> None:
    texts = ["dont tell ur mom", "send me a pic", "meet me at the park"] * 20
    texts += ["the build failed again", "try apt update", "which kernel"] * 20
    labels = np.array([1] * 60 + [0] * 60)
    rows = featurize(texts, BUCKETS)
    a = fit(rows, labels, np.ones(len(labels)), seed=1)
    b = fit(rows, labels, np.ones(len(labels)), seed=1)
    assert np.array_equal(a._table, b._table) and a.bias == b.bias
    assert a.logit("dont tell ur mom") > 0 > a.logit("which kernel")
    a.meta = {"note": "x"}
    a.save(tmp_path / "m.npz")
    loaded = GroomingModel.load(tmp_path / "m.npz")
    assert loaded.meta == {"note": "x"}
    assert math.isclose(loaded.logit("send me a pic"), a.logit("send me a pic"), abs_tol=1e-2)
