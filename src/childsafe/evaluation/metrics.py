"""Author-level precision/recall/F0.5 (the PAN-2012 measure) and early-warning figures.

- Authors: an author is flagged if the tracker alerts on them in any of their conversations;
  predators are the positives, everyone else (decoys, benign authors) the negatives. Author
  ids are qualified by their source corpus so that equal nicknames never merge.
- Early warning (ordered conversations with a known predator): share of the conversation's
  messages read up to and including the first alert on a predator, and the share of such
  conversations alerted by their end.
- False alerts: ordered conversations without any predator in which any author alerts. The
  PAN-2012 adult stranger chats (VTPAN: flattened segments, both sides' sexual talk, ages
  unknown) are counted apart from the real chat corpora, as `stranger_chat_*`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from childsafe.evaluation.streaming import AuthorStream

F_BETA = 0.5
STRANGER_CHAT_SOURCES = frozenset({"vtpan"})


@dataclass(frozen=True, slots=True)
class Figures:
    threshold: float
    authors: int
    predators: int
    flagged: int
    true_positives: int
    precision: float
    recall: float
    f0_5: float
    benign_conversations: int
    false_alert_conversations: int
    false_alerts_per_1000: float | None
    grooming_conversations: int
    alerted_share: float | None
    median_share_read: float | None
    stranger_chat_conversations: int = 0
    stranger_chat_false_alerts: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _author_peaks(
    streams: Sequence[AuthorStream],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(peak score, is predator, source) per author, over all of the author's conversations."""
    peaks: dict[tuple[str, str], float] = {}
    predator: dict[tuple[str, str], bool] = {}
    for s in streams:
        key = (s.source, s.author_id)
        peaks[key] = max(peaks.get(key, -math.inf), s.peak)
        predator[key] = predator.get(key, False) or s.is_predator
    keys = list(peaks)
    return (
        np.array([peaks[k] for k in keys]),
        np.array([predator[k] for k in keys], dtype=bool),
        np.array([k[0] for k in keys]),
    )


def _conversation_groups(
    streams: Sequence[AuthorStream],
) -> dict[tuple[str, str], list[AuthorStream]]:
    groups: dict[tuple[str, str], list[AuthorStream]] = {}
    for s in streams:
        if s.ordered:
            groups.setdefault((s.source, s.conversation_id), []).append(s)
    return groups


def f_beta(precision: float, recall: float, beta: float = F_BETA) -> float:
    if precision == 0.0 or recall == 0.0:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * precision * recall / (b2 * precision + recall)


class Scorecard:
    """The figures of one set of streams at any threshold (prepared once, cheap per threshold)."""

    def __init__(self, streams: Sequence[AuthorStream]) -> None:
        self.peaks, self.is_predator, self.sources = _author_peaks(streams)
        benign_peaks: list[float] = []
        benign_sources: list[str] = []
        self.grooming: list[tuple[int, list[AuthorStream]]] = []
        for members in _conversation_groups(streams).values():
            predators = [s for s in members if s.is_predator]
            if predators:
                self.grooming.append((members[0].conversation_length, predators))
            else:
                benign_peaks.append(max(s.peak for s in members))
                benign_sources.append(members[0].source)
        self.benign_peaks = np.array(benign_peaks)
        self.benign_sources = np.array(benign_sources)

    def figures(self, threshold: float) -> Figures:
        flagged = self.peaks >= threshold
        tp = int((flagged & self.is_predator).sum())
        precision = tp / int(flagged.sum()) if flagged.any() else 0.0
        recall = tp / int(self.is_predator.sum()) if self.is_predator.any() else 0.0
        stranger = np.isin(self.benign_sources, list(STRANGER_CHAT_SOURCES))
        alerted = self.benign_peaks >= threshold
        benign = int((~stranger).sum())
        false_alerts = int((alerted & ~stranger).sum())
        shares: list[float] = []
        for length, predators in self.grooming:
            firsts = [i for s in predators if (i := s.first_alert(threshold)) is not None]
            shares.append((min(firsts) + 1) / length if firsts else 1.0)
        alerted_chats = sum(
            any(s.first_alert(threshold) is not None for s in predators)
            for _, predators in self.grooming
        )
        return Figures(
            threshold=threshold,
            authors=len(self.peaks),
            predators=int(self.is_predator.sum()),
            flagged=int(flagged.sum()),
            true_positives=tp,
            precision=precision,
            recall=recall,
            f0_5=f_beta(precision, recall),
            benign_conversations=benign,
            false_alert_conversations=false_alerts,
            false_alerts_per_1000=1000.0 * false_alerts / benign if benign else None,
            grooming_conversations=len(shares),
            alerted_share=alerted_chats / len(shares) if shares else None,
            median_share_read=float(np.median(shares)) if shares else None,
            stranger_chat_conversations=int(stranger.sum()),
            stranger_chat_false_alerts=int((alerted & stranger).sum()),
        )

    def by_source(self, threshold: float) -> dict[str, dict[str, int]]:
        """Per source corpus: authors, predators, flagged authors, flagged non-predators,
        benign conversations and false alerts, to see where errors come from."""
        table: dict[str, dict[str, int]] = {}
        flagged = self.peaks >= threshold
        for source in np.unique(np.concatenate([self.sources, self.benign_sources])):
            mine = self.sources == source
            conversations = self.benign_sources == source
            table[str(source)] = {
                "authors": int(mine.sum()),
                "predators": int((mine & self.is_predator).sum()),
                "flagged": int((mine & flagged).sum()),
                "flagged_non_predators": int((mine & flagged & ~self.is_predator).sum()),
                "benign_conversations": int(conversations.sum()),
                "false_alerts": int((self.benign_peaks[conversations] >= threshold).sum()),
            }
        return table

    def choose_threshold(self, min_precision: float, max_false_alerts_per_1000: float) -> float:
        """The lowest threshold (earliest alerts, highest recall) whose author-level precision
        and benign false-alert rate meet the targets; the most cautious candidate if none does.
        Candidates are the quantiles of the predators' peak scores."""
        positives = self.peaks[self.is_predator]
        if not len(positives):
            raise ValueError("choosing a threshold needs at least one predator")
        candidates = np.unique(np.quantile(positives, np.linspace(0.0, 1.0, 1001)))
        for threshold in candidates:  # ascending
            figures = self.figures(float(threshold))
            rate = figures.false_alerts_per_1000 or 0.0
            if figures.precision >= min_precision and rate <= max_false_alerts_per_1000:
                return float(threshold)
        return float(candidates[-1])
