"""The PAN-2012-style peer: our folds, one score per message, exact prefix scores (equal to
scikit-learn's TfidfVectorizer + LinearSVC on the joined prefix text), relative thresholds."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.svm import LinearSVC

from childsafe.evaluation.crossval import Unit, fold_of
from childsafe.evaluation.metrics import Scorecard
from childsafe.evaluation.peer import best_threshold, peer_cross_validate
from childsafe.evaluation.peer_corpus import PeerCorpus
from childsafe.evaluation.peer_model import MAX_ITER, PeerModel, peer_vectorizer
from childsafe.evaluation.streaming import AuthorStream
from childsafe.model import Conversation, Message, Participant

FOLDS, SEED = 3, 7

# Invented, mild toy conversations (not real data): "predators" keep asking for secrecy,
# everybody else chats about football or homework.
SECRECY = [
    "keep this between us ok",
    "dont tell your parents about me",
    "delete our messages after you read them",
    "this is our little secret",
    "you can trust me more than your friends",
    "are your parents home right now",
]
FOOTBALL = [
    "great goal last night!!",
    "the match was  boring tbh",
    "our team needs a new striker",
    "that penalty was a JOKE",
    "see you at practice on tuesday",
    "who won the derby",
]
REPLIES = ["ok", "why", "i have homework", "lol", "maybe later", "what do you mean"]


def toy_units(n: int = 24, seed: int = 0) -> list[Unit]:
    rng = np.random.default_rng(seed)
    units = []
    for i in range(n):
        groomer = i % 3 == 0
        first, second = f"user{i}a", f"user{i}b"
        # A token both authors of this conversation use: in a fold's vocabulary (min_df=2)
        # exactly when this conversation is in that fold's training data.
        marker = f"zq{i:02d}x"
        lines = SECRECY if groomer else FOOTBALL
        messages = [Message(f"{i}-0", second, "")]  # empty first message: no n-grams yet
        for j in range(1, int(rng.integers(4, 9))):
            sender = first if j % 2 else second
            pool = lines if sender == first else (REPLIES if groomer else FOOTBALL)
            text = f"{pool[int(rng.integers(len(pool)))]} {marker if j < 3 else ''}\n:)"
            messages.append(Message(f"{i}-{j}", sender, text))
        conversation = Conversation(
            f"c{i}",
            [Participant(first), Participant(second)],
            messages,
            frozenset({first}) if groomer else frozenset(),
        )
        units.append(Unit("toy", f"g{i}", conversation, ordered=True, weight=1.0 + i % 2))
    return units


def author_texts(unit: Unit, author: str) -> list[str]:
    return [m.text for m in unit.conversation.messages if m.sender == author]


def documents(units: list[Unit]) -> tuple[list[str], list[int], list[float]]:
    """Whole-author documents in first-seen order, with labels and weights."""
    texts, labels, weights = [], [], []
    for unit in units:
        for author in dict.fromkeys(m.sender for m in unit.conversation.messages):
            texts.append("\n".join(author_texts(unit, author)))
            labels.append(int(author in unit.conversation.predator_ids))
            weights.append(unit.weight)
    return texts, labels, weights


def run(train: list[Unit], evaluate: list[Unit]) -> tuple[list[AuthorStream], list[PeerModel]]:
    fitted: list[PeerModel] = []
    streams = list(peer_cross_validate(train, evaluate, FOLDS, SEED, fitted=fitted))
    return streams, fitted


@pytest.fixture(scope="module")
def toy() -> tuple[list[Unit], list[Unit], list[AuthorStream], list[PeerModel]]:
    units = toy_units()
    extra = toy_units(6, seed=1)  # evaluated, never trained on
    for u in extra:
        u.source = "extra"
        u.conversation.conversation_id += "-extra"
    streams, fitted = run(units, units + extra)
    return units, extra, streams, fitted


def test_folds_are_those_of_fold_of(toy) -> None:
    units, extra, streams, fitted = toy
    by_id = {u.conversation.conversation_id: u for u in units + extra}
    assert {s.fold for s in streams} == set(range(FOLDS))
    for s in streams:
        assert s.fold == fold_of(by_id[s.conversation_id].group, FOLDS, SEED)
    assert [m.fold for m in fitted] == list(range(FOLDS))
    for k, model in enumerate(fitted):
        # The fold's vocabulary is the reference vectorizer fitted on exactly the training
        # units of the other folds (each conversation's marker shows whether it was there).
        training = [u for u in units if fold_of(u.group, FOLDS, SEED) != k]
        reference = peer_vectorizer().fit(documents(training)[0])
        assert model.vocabulary == list(reference.get_feature_names_out())
        np.testing.assert_allclose(model.idf, reference.idf_)
        for i, u in enumerate(units):
            assert (f"zq{i:02d}" in model.vocabulary) == (u in training)


def test_every_evaluated_author_has_one_score_per_message(toy) -> None:
    units, extra, streams, _ = toy
    keys = [(s.source, s.conversation_id, s.author_id) for s in streams]
    assert len(keys) == len(set(keys))
    expected = set()
    for unit in units + extra:
        conversation = unit.conversation
        authors = list(dict.fromkeys(m.sender for m in conversation.messages))
        mine = [s for s in streams if s.conversation_id == conversation.conversation_id]
        assert [s.author_id for s in mine] == authors  # first-seen order
        for s in mine:
            positions = [i for i, m in enumerate(conversation.messages) if m.sender == s.author_id]
            assert s.positions.tolist() == positions
            assert len(s.scores) == len(positions) and s.scores.dtype == np.float32
            assert s.source == unit.source and s.ordered == unit.ordered
            assert s.conversation_length == len(conversation.messages)
            assert s.is_predator == (s.author_id in conversation.predator_ids)
            expected.add((unit.source, conversation.conversation_id, s.author_id))
    assert set(keys) == expected
    assert any(s.source == "extra" for s in streams)


def test_prefix_scores_equal_sklearn_on_the_joined_prefix(toy) -> None:
    units, extra, streams, fitted = toy
    by_id = {u.conversation.conversation_id: u for u in units + extra}
    checked = 0
    for s in streams:
        model = fitted[s.fold]
        training = [u for u in units if fold_of(u.group, FOLDS, SEED) != s.fold]
        reference = peer_vectorizer().fit(documents(training)[0])
        texts = author_texts(by_id[s.conversation_id], s.author_id)
        prefixes = ["\n".join(texts[: i + 1]) for i in range(len(texts))]
        decision = reference.transform(prefixes) @ model.coef + model.intercept
        np.testing.assert_allclose(s.scores, decision - model.threshold, rtol=0, atol=1e-5)
        np.testing.assert_allclose(model.decision(prefixes), decision, rtol=0, atol=1e-9)
        checked += len(prefixes)
    assert checked > 100


def test_model_is_linear_svc_on_weighted_author_documents(toy) -> None:
    units, _, _, fitted = toy
    for k, model in enumerate(fitted):
        texts, labels, weights = documents([u for u in units if fold_of(u.group, FOLDS, SEED) != k])
        x = peer_vectorizer().fit_transform(texts)
        svc = LinearSVC(class_weight=model.class_weight, max_iter=MAX_ITER, random_state=SEED)
        svc.fit(x, labels, sample_weight=weights)
        np.testing.assert_allclose(model.coef, svc.coef_.ravel(), atol=1e-8)
        assert model.intercept == pytest.approx(float(svc.intercept_[0]))


def test_predators_outrank_everyone_and_alert_at_zero(toy) -> None:
    _, _, streams, fitted = toy
    predators = [s.peak for s in streams if s.is_predator]
    others = [s.peak for s in streams if not s.is_predator]
    assert predators and others
    assert min(predators) > max(others)
    figures = Scorecard(streams).figures(0.0)
    assert figures.precision == 1.0 and figures.recall == 1.0
    assert figures.false_alert_conversations == 0
    assert all(m.class_weight in (None, "balanced") for m in fitted)


def test_scores_are_relative_to_the_fold_threshold(toy) -> None:
    units, extra, streams, fitted = toy
    thresholds = [m.threshold for m in fitted]
    assert all(t != 0.0 for t in thresholds) and len(set(thresholds)) == FOLDS
    by_id = {u.conversation.conversation_id: u for u in units + extra}
    for s in streams:
        model = fitted[s.fold]
        texts = author_texts(by_id[s.conversation_id], s.author_id)
        decision = model.decision(["\n".join(texts[: i + 1]) for i in range(len(texts))])
        np.testing.assert_allclose(s.scores + model.threshold, decision, atol=1e-5)
        # An alert (score >= 0) is a decision at or above this fold's threshold.
        clear = np.abs(decision - model.threshold) > 1e-4
        assert ((s.scores >= 0) == (decision >= model.threshold))[clear].all()


def test_peak_threshold_maximises_f05() -> None:
    peaks = np.array([3.0, 2.0, 1.0, 0.5, -1.0])
    labels = np.array([True, True, False, True, False])
    threshold, f = best_threshold(peaks, labels)
    # Flagging the top two: precision 1, recall 2/3 (F0.5 0.909) beats the top four
    # (precision 3/4, recall 1: F0.5 0.789); midway between 2.0 and the next peak 1.0.
    assert threshold == pytest.approx(1.5)
    assert f == pytest.approx(1.25 * (2 / 3) / (0.25 + 2 / 3))
    with pytest.raises(ValueError):
        best_threshold(peaks, np.zeros(5, dtype=bool))


def test_max_features_matches_sklearn_and_counts_ignore_message_boundaries() -> None:
    units = toy_units(12)
    corpus = PeerCorpus(units)
    model = corpus.fit(np.arange(corpus.n_streams), max_features=40)
    reference = peer_vectorizer(max_features=40).fit(documents(units)[0])
    assert model.vocabulary == list(reference.get_feature_names_out())
    # Summed per-message counts are the counts of the joined text (char_wb pads each word).
    texts = documents(units)[0]
    joined = peer_vectorizer().fit(texts)
    np.testing.assert_allclose(
        corpus.documents[:, [corpus.terms.index(t) for t in joined.get_feature_names_out()]]
        .toarray()
        .astype(bool),
        joined.transform(texts).toarray() > 0,
    )
