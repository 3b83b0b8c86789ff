"""Development data and cross-validation grouped by predator.

Training material: the Koutli predator files (positives: every line a predator wrote), the
decoys' files (in-domain negatives: they talk about the same things and are the hard part),
the benign corpora (negatives) and, where present, redteam-dev (modern grooming: its
offenders' lines are positives, its victims and benign look-alikes negatives; weighted
REDTEAM_WEIGHT, as a few hundred windows would otherwise vanish beside Koutli's tens of
thousands) and, where present, the German and Dutch translations of PAN-2012 segments
(vtpan-translated, weighted TRANSLATED_WEIGHT: a segment from a Perverted-Justice chat is
positive for both of its pseudo-speakers, as the predator's side is unknown; the German and
Dutch translations of one segment share a group). Every text is normalised
(signals.normalise) as at inference. Decoys and the benign corpora with sexual talk between
adults (NPS chat rooms, PAN-2012 stranger chats) are weighted HARD_NEGATIVE_WEIGHT:
out-of-fold they raised author-level F0.5 and cut false alerts. Each Koutli predator and their
decoys form one group; each benign or redteam-dev conversation is its own group; folds are
assigned by a seeded hash of the group, so no predator is in both a fold's training and test
data. Conversations from other corpora (e.g. BF-PSR chats, which are Koutli predators again)
join the group of the Koutli predator whose lines they share most.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy import sparse

from childsafe.conversations import RiskTracker, TrackerParams
from childsafe.corpora import koutli, redteam, vtpan_translated
from childsafe.corpora.benign import load_benign
from childsafe.evaluation.metrics import Scorecard
from childsafe.evaluation.streaming import AuthorStream, run_conversation
from childsafe.model import Conversation
from childsafe.signals.grooming import GroomingModel
from childsafe.signals.normalise import normalise
from childsafe.signals.quoting import without_quotes
from childsafe.signals.training import featurize, fit, windows

KOUTLI_PATH = "pj-koutli2023/pj-koutli2023-dev.tar.xz"
BFPSR_PATH = "pj-bfpsr2022/PJ_conversations-dev.jsonl.xz"
REDTEAM_PATH = "redteam-dev"
REDTEAM_SOURCE = "redteam"
REDTEAM_WEIGHT = 5.0
TRANSLATED_FOLDER = "vtpan-translated"
TRANSLATED_SOURCE = "vtpan-translated"
TRANSLATED_WEIGHT = 2.0
HARD_NEGATIVE_WEIGHT = 3.0
HARD_NEGATIVE_CORPORA = frozenset({"nps", "vtpan"})
MIN_SHARED_LINES = 5


@dataclass(slots=True)
class Unit:
    """One conversation with what cross-validation needs to know about it."""

    source: str
    group: str
    conversation: Conversation
    ordered: bool
    weight: float = 1.0


def fold_of(group: str, folds: int, seed: int) -> int:
    return zlib.crc32(f"{seed}:{group}".encode()) % folds


def koutli_units(path: Path) -> list[Unit]:
    units = []
    for conversation in koutli.load(path):
        decoy = not conversation.predator_ids
        group = koutli.group_of(conversation.conversation_id)
        weight = HARD_NEGATIVE_WEIGHT if decoy else 1.0
        units.append(Unit("koutli", group, conversation, ordered=False, weight=weight))
    return units


def benign_units(data_dir: Path) -> list[Unit]:
    return [
        Unit(
            name,
            f"{name}/{c.conversation_id}",
            c,
            ordered=True,
            weight=HARD_NEGATIVE_WEIGHT if name in HARD_NEGATIVE_CORPORA else 1.0,
        )
        for name, c in load_benign(data_dir)
    ]


def redteam_units(data_dir: Path) -> list[Unit]:
    """redteam-dev's conversations (none when the folder is absent), each its own group."""
    folder = data_dir / REDTEAM_PATH
    if not folder.is_dir():
        return []
    return [
        Unit(REDTEAM_SOURCE, f"redteam/{r.conversation.conversation_id}", r.conversation,
             ordered=True, weight=REDTEAM_WEIGHT)
        for r in redteam.load(folder)
    ]  # fmt: skip


def translated_units(data_dir: Path) -> list[Unit]:
    """The translated development segments (none when the folder is absent), grouped by
    segment across languages."""
    folder = data_dir / TRANSLATED_FOLDER
    return [
        Unit(TRANSLATED_SOURCE, f"{TRANSLATED_SOURCE}/{vtpan_translated.segment_of(c)}", c,
             ordered=True, weight=TRANSLATED_WEIGHT)
        for path in sorted(folder.glob("*-dev.csv*"))
        for c in vtpan_translated.load(path)
    ]  # fmt: skip


def assign_groups(
    conversations: Sequence[Conversation], koutli: Sequence[Unit], source: str
) -> list[Unit]:
    """Units for conversations from another corpus, grouped with the Koutli predator whose
    lines they share most (at least MIN_SHARED_LINES), else on their own."""
    owner: dict[str, str] = {}
    for unit in koutli:
        if unit.conversation.predator_ids:
            for m in unit.conversation.messages:
                owner.setdefault(m.text.strip(), unit.group)
    units = []
    for conversation in conversations:
        votes: dict[str, int] = {}
        for m in conversation.messages:
            group = owner.get(m.text.strip())
            if group is not None:
                votes[group] = votes.get(group, 0) + 1
        best = max(votes, key=lambda g: votes[g], default=None)
        group = best if best and votes[best] >= MIN_SHARED_LINES else conversation.conversation_id
        units.append(Unit(source, group, conversation, ordered=True))
    return units


@dataclass(slots=True)
class TrainingSet:
    """Window documents with their labels, weights and units, ready for fitting."""

    documents: sparse.csr_matrix
    labels: np.ndarray
    weights: np.ndarray
    units: np.ndarray  # index into the training units
    messages: int


def training_set(units: Sequence[Unit]) -> TrainingSet:
    """Every message featurised, then cut into windows per author (see training.windows)."""
    texts: list[str] = []
    labels: list[int] = []
    owners: list[int] = []
    streams: list[int] = []
    stream_ids: dict[tuple[int, str], int] = {}
    for i, unit in enumerate(units):
        for m in unit.conversation.messages:
            texts.append(without_quotes(normalise(m.text)))  # as the tracker reads it
            labels.append(int(m.sender in unit.conversation.predator_ids))
            owners.append(i)
            streams.append(stream_ids.setdefault((i, m.sender), len(stream_ids)))
    documents, first = windows(featurize(texts), np.array(streams))
    unit_of = np.array(owners)[first]
    weight_of = np.array([u.weight for u in units])
    return TrainingSet(documents, np.array(labels)[first], weight_of[unit_of], unit_of, len(texts))


def fit_model(units: Sequence[Unit], seed: int) -> GroomingModel:
    data = training_set(units)
    return fit(data.documents, data.labels, data.weights, seed)


def cross_validate(
    train: Sequence[Unit],
    evaluate: Sequence[Unit],
    folds: int,
    seed: int,
    params: TrackerParams,
    progress: Callable[[str], None] | None = None,
) -> Iterator[AuthorStream]:
    """Each evaluated unit streamed through a tracker whose model never saw its group."""
    data = training_set(train)
    train_fold = np.array([fold_of(u.group, folds, seed) for u in train])[data.units]
    for k in range(folds):
        rows = train_fold != k
        model = fit(data.documents[rows], data.labels[rows], data.weights[rows], seed)
        tracker = RiskTracker(model, params)
        held_out = [u for u in evaluate if fold_of(u.group, folds, seed) == k]
        if progress is not None:
            progress(
                f"fold {k + 1}/{folds}: trained on {int(rows.sum()):,} windows, "
                f"scoring {len(held_out):,} conversations"
            )
        for unit in held_out:
            yield from run_conversation(tracker, unit.conversation, unit.source, unit.ordered, k)


def calibrating(streams: Sequence[AuthorStream]) -> list[AuthorStream]:
    """The streams a threshold is chosen on: those labelled per author (a translated
    segment marks both of its pseudo-speakers, so it cannot say who was precise)."""
    return [s for s in streams if s.source != TRANSLATED_SOURCE]


def fold_thresholds(
    streams: Sequence[AuthorStream], min_precision: float, max_false_alerts_per_1000: float
) -> dict[int, float]:
    """For each fold, the threshold chosen on the other folds' (out-of-fold) streams, so
    no fold's labels pick its own threshold."""
    folds = sorted({s.fold for s in streams})
    return {
        k: Scorecard([s for s in calibrating(streams) if s.fold != k]).choose_threshold(
            min_precision, max_false_alerts_per_1000
        )
        for k in folds
    }


def relative_to(
    streams: Sequence[AuthorStream], thresholds: dict[int, float]
) -> list[AuthorStream]:
    """Scores minus their fold's threshold: an alert is then a score >= 0 in every fold."""
    return [replace(s, scores=s.scores - thresholds[s.fold]) for s in streams]
