"""Feed conversations through a RiskTracker and keep each author's score trajectory.

The tracker alerts on the first message where an author's score reaches its threshold, so
a trajectory tells where the alert would fire for any threshold: figures for several
thresholds (calibration) come from one pass through the real streaming code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from childsafe.conversations import RiskTracker
from childsafe.model import Conversation


@dataclass(slots=True)
class AuthorStream:
    """One author's messages in one conversation, with the score after each."""

    source: str
    conversation_id: str
    author_id: str
    is_predator: bool
    # Message order is meaningful (not so for Koutli files, where turn order is lost).
    ordered: bool
    conversation_length: int
    positions: np.ndarray  # conversation index of each of the author's messages
    scores: np.ndarray  # the author's score after each of them
    fold: int = -1

    @property
    def peak(self) -> float:
        return float(self.scores.max()) if len(self.scores) else -math.inf

    def first_alert(self, threshold: float) -> int | None:
        """Conversation index of the message where the alert fires at this threshold."""
        hits = np.flatnonzero(self.scores >= threshold)
        return int(self.positions[hits[0]]) if len(hits) else None


def run_conversation(
    tracker: RiskTracker, conversation: Conversation, source: str, ordered: bool, fold: int = -1
) -> list[AuthorStream]:
    positions: dict[str, list[int]] = {}
    scores: dict[str, list[float]] = {}
    cid = f"{source}/{conversation.conversation_id}"
    for index, message in enumerate(conversation.messages):
        update = tracker.observe(cid, message, conversation.participants)
        positions.setdefault(message.sender, []).append(index)
        scores.setdefault(message.sender, []).append(update.score)
    tracker.forget(cid)
    return [
        AuthorStream(
            source,
            conversation.conversation_id,
            author,
            author in conversation.predator_ids,
            ordered,
            len(conversation.messages),
            np.asarray(positions[author], dtype=np.int32),
            np.asarray(scores[author], dtype=np.float32),
            fold,
        )
        for author in positions
    ]


def run_streams(
    tracker: RiskTracker,
    items: Iterable[tuple[str, Conversation, bool]],
    progress: Callable[[int], object] | None = None,
) -> list[AuthorStream]:
    """Every (source, conversation, ordered) item through the tracker, one by one."""
    streams: list[AuthorStream] = []
    for source, conversation, ordered in items:
        streams.extend(run_conversation(tracker, conversation, source, ordered))
        if progress is not None:
            progress(len(conversation.messages))
    return streams
