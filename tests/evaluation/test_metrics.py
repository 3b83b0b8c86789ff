"""Figures: author-level P/R/F0.5, early warning, false alerts, threshold choice, folds."""

from __future__ import annotations

import numpy as np
import pytest

from childsafe.evaluation.crossval import (
    Unit,
    assign_groups,
    fold_of,
    fold_thresholds,
    relative_to,
)
from childsafe.evaluation.metrics import Scorecard, f_beta
from childsafe.evaluation.streaming import AuthorStream
from childsafe.model import Conversation, Message, Participant


def stream(
    author: str, scores: list[float], *, predator: bool = False, conversation: str = "c",
    source: str = "s", ordered: bool = True, positions: list[int] | None = None,
    length: int | None = None, fold: int = 0,
) -> AuthorStream:  # fmt: skip
    pos = positions if positions is not None else list(range(len(scores)))
    return AuthorStream(
        source, conversation, author, predator, ordered, length or len(scores),
        np.array(pos), np.array(scores, dtype=np.float32), fold,
    )  # fmt: skip


def test_author_level_precision_recall_f05() -> None:
    streams = [
        stream("p1", [0.1, 0.9], predator=True, conversation="k1", ordered=False),
        stream("p2", [0.2, 0.3], predator=True, conversation="k2", ordered=False),
        stream("d1", [0.8], conversation="k3", ordered=False),
        stream("b1", [0.1], conversation="x1"),
        stream("b1", [0.7], conversation="x2"),  # same author, two conversations
        stream("b2", [0.2], conversation="x2"),
    ]
    figures = Scorecard(streams).figures(0.5)
    assert figures.authors == 5 and figures.predators == 2
    assert figures.flagged == 3 and figures.true_positives == 1
    assert figures.precision == pytest.approx(1 / 3)
    assert figures.recall == pytest.approx(0.5)
    assert figures.f0_5 == pytest.approx(f_beta(1 / 3, 0.5))
    # Koutli-like unordered files never count as benign conversations.
    assert figures.benign_conversations == 2 and figures.false_alert_conversations == 1
    assert figures.false_alerts_per_1000 == pytest.approx(500.0)
    assert figures.median_share_read is None


def test_f_beta_weighs_precision() -> None:
    assert f_beta(1.0, 0.5) > f_beta(0.5, 1.0)
    assert f_beta(0.0, 1.0) == 0.0


def test_early_warning_share_and_alerted() -> None:
    streams = [
        # predator alerts at conversation index 3 of 10 -> 40% read
        stream("g1", [0.1, 0.2, 0.9], predator=True, conversation="a", positions=[0, 2, 3],
               length=10),
        stream("d1", [0.95], conversation="a", positions=[1], length=10),
        stream("g2", [0.1, 0.2], predator=True, conversation="b", length=4),  # never alerts
        # alerts at index 1 of 10 -> 20% read
        stream("g3", [0.6], predator=True, conversation="c", positions=[1], length=10),
    ]  # fmt: skip
    figures = Scorecard(streams).figures(0.5)
    assert figures.grooming_conversations == 3
    assert figures.alerted_share == pytest.approx(2 / 3)
    assert figures.median_share_read == pytest.approx(0.4)  # median of 0.4, 1.0 (unalerted), 0.2
    assert figures.benign_conversations == 0


def test_choose_threshold_prefers_the_lowest_that_meets_precision() -> None:
    predators = [stream(f"p{i}", [s], predator=True, conversation=f"p{i}") for i, s in
                 enumerate([0.6, 0.7, 0.8, 0.9])]  # fmt: skip
    negatives = [stream(f"n{i}", [s], conversation=f"n{i}") for i, s in enumerate([0.65, 0.1])]
    card = Scorecard(predators + negatives)
    threshold = card.choose_threshold(min_precision=1.0, max_false_alerts_per_1000=1000.0)
    assert 0.65 < threshold <= 0.7
    loose = card.choose_threshold(min_precision=0.5, max_false_alerts_per_1000=1000.0)
    assert loose == pytest.approx(0.6)


def test_scores_relative_to_fold_thresholds_may_be_negative() -> None:
    streams = [
        stream("p", [0.9], predator=True, conversation="a", fold=0),
        stream("n", [0.2], conversation="b", fold=0),
    ]
    relative = relative_to(streams, {0: 0.5})
    figures = Scorecard(relative).figures(0.0)
    assert (figures.flagged, figures.precision, figures.recall) == (1, 1.0, 1.0)


def test_fold_thresholds_use_other_folds_only() -> None:
    streams = [
        stream("p0", [0.9], predator=True, conversation="a", fold=0),
        stream("n0", [0.5], conversation="b", fold=0),
        stream("p1", [0.3], predator=True, conversation="c", fold=1),
        stream("n1", [0.1], conversation="d", fold=1),
    ]
    thresholds = fold_thresholds(streams, min_precision=1.0, max_false_alerts_per_1000=1000.0)
    assert thresholds[0] == pytest.approx(0.3)  # chosen on fold 1's streams
    assert thresholds[1] == pytest.approx(0.9)  # chosen on fold 0's streams


def test_folds_are_stable_and_spread() -> None:
    folds = [fold_of(f"g{i}", 5, seed=13) for i in range(500)]
    assert folds == [fold_of(f"g{i}", 5, seed=13) for i in range(500)]
    assert set(folds) == set(range(5))
    assert folds != [fold_of(f"g{i}", 5, seed=14) for i in range(500)]


def test_ordered_chats_join_their_koutli_predator_group() -> None:
    lines = [f"line number {i}" for i in range(8)]
    predator = Conversation(
        "koutli:predator:zed", [Participant("predator:zed")],
        [Message(str(i), "predator:zed", t) for i, t in enumerate(lines)],
        frozenset({"predator:zed"}),
    )  # fmt: skip
    koutli = [Unit("koutli", "zed", predator, ordered=False)]
    chat = Conversation(
        "chat", [Participant("g"), Participant("d")],
        [Message(str(i), "g" if i % 2 else "d", t) for i, t in enumerate(lines + lines)],
    )  # fmt: skip
    other = Conversation("other", [Participant("x")], [Message("1", "x", "hello")])
    units = assign_groups([chat, other], koutli, "bfpsr")
    assert [u.group for u in units] == ["zed", "other"]
