"""Per-author streaming risk with an alert that fires once, and the messages that drove it.

Each message from an author adds its evidence e = clip(model log-odds of the author's recent
window: raw sums decayed by window_decay per message) + the weights of the cues it contains.
The author's level is a running mean pulled toward a benign prior,
m = (sum e + n0 * mu0) / (n + n0), so one odd line cannot alert and a long benign chat
cannot drift up by volume alone. The score is sigmoid(z) with
z = m + diversity_weight * (distinct cues seen so far) + age shift (adult writing to a
known child raises it; adults among themselves lower it). The alert fires on the message
where z first reaches the threshold. State per author is a handful of numbers, the set of
cue names seen and the top few reasons, so a message costs O(1) whatever the history.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from childsafe.model import AgeBand, Message, Participant
from childsafe.signals.base import Cue, excerpt
from childsafe.signals.cues import DETECTORS, detect_cues
from childsafe.signals.grooming import MODEL_PATH, GroomingModel

TOP_REASONS = 3
STATE_VERSION = 2
# Version 1 states (before the windowed text model) lack the window sums: the window
# restarts empty on import, everything else carries over.
READABLE_STATE_VERSIONS = (1, 2)


@dataclass(frozen=True, slots=True)
class Reason:
    """A message that drove an author's risk: which one, its cues, an excerpt, its weight."""

    message_id: str
    cues: tuple[str, ...]
    excerpt: str
    weight: float


@dataclass(frozen=True, slots=True)
class RiskUpdate:
    conversation_id: str
    author_id: str
    message_index: int
    score: float
    threshold: float
    alert: bool
    cues: tuple[Cue, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class TrackerParams:
    """Calibration of the streaming score; training writes these beside the model weights."""

    # Chosen on out-of-fold development scores (see README, "Grooming detector").
    prior_messages: float = 20.0
    prior_evidence: float = -3.0
    evidence_clip: float = 4.0
    cue_weights: Mapping[str, float] = field(
        default_factory=lambda: {d.name: 0.4 * d.severity for d in DETECTORS}
    )
    diversity_weight: float = 0.1
    # The text model scores a window of the author's recent messages whose sums decay by
    # this factor per message (about ten messages, the training window).
    window_decay: float = 0.9
    adult_to_child_shift: float = 1.0
    adult_to_adult_shift: float = -1.5
    child_sender_shift: float = -1.0
    threshold_z: float = 1.0
    # Used as every message's log-odds when the tracker has no text model.
    cues_only_logit: float = -2.0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrackerParams:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cue_weights"] = dict(self.cue_weights)
        return data

    def age_shift(self, sender: str, participants: Sequence[Participant]) -> float:
        """How the age bands of sender and recipients move the risk (0 when unknown)."""
        bands = {p.id: AgeBand(p.age_band) for p in participants}
        own = bands.get(sender, AgeBand.UNKNOWN)
        others = [band for pid, band in bands.items() if pid != sender]
        if own is AgeBand.ADULT:
            if any(b not in (AgeBand.ADULT, AgeBand.UNKNOWN) for b in others):
                return self.adult_to_child_shift
            if others and all(b is AgeBand.ADULT for b in others):
                return self.adult_to_adult_shift
            return 0.0
        if own is AgeBand.UNKNOWN:
            return 0.0
        return self.child_sender_shift


# Without a text model, cues carry all the evidence, so they weigh more and the prior is
# weaker; every message without cues counts as mildly benign (cues_only_logit).
CUES_ONLY = TrackerParams(
    prior_messages=8.0,
    prior_evidence=-2.0,
    cue_weights={d.name: 2.0 * d.severity for d in DETECTORS},
    diversity_weight=0.3,
    threshold_z=1.0,
)


@dataclass(slots=True)
class _AuthorState:
    messages: int = 0
    evidence: float = 0.0
    window_total: float = 0.0
    window_count: float = 0.0
    cues_seen: set[str] = field(default_factory=set)
    alerted_at: int | None = None
    # Min-heap of (weight, sequence, Reason): the TOP_REASONS heaviest messages so far.
    top: list[tuple[float, int, Reason]] = field(default_factory=list)


@dataclass(slots=True)
class _ConversationState:
    messages: int = 0
    authors: dict[str, _AuthorState] = field(default_factory=dict)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


class RiskTracker:
    """Streaming grooming risk for many conversations at once (not thread-safe)."""

    def __init__(self, model: GroomingModel | None, params: TrackerParams) -> None:
        self.model = model
        self.params = params
        self.threshold = _sigmoid(params.threshold_z)
        self._conversations: dict[str, _ConversationState] = {}

    @classmethod
    def default(cls) -> RiskTracker:
        """The shipped model and its calibrated thresholds."""
        model = GroomingModel.load(MODEL_PATH)
        return cls(model, TrackerParams.from_dict(model.meta["tracker"]))

    @classmethod
    def cues_only(cls, params: TrackerParams | None = None) -> RiskTracker:
        """A tracker driven by the explicit cues alone (no learned model)."""
        return cls(None, params or CUES_ONLY)

    def _evidence(self, logit: float, cues: Sequence[Cue]) -> float:
        p = self.params
        evidence = max(-p.evidence_clip, min(p.evidence_clip, logit))
        for cue in cues:
            evidence += p.cue_weights.get(cue.name, 0.0)
        return evidence

    def observe(
        self, conversation_id: str, message: Message, participants: Sequence[Participant]
    ) -> RiskUpdate:
        cues = tuple(detect_cues(message.text, message.id))
        raw = self.model.raw(message.text) if self.model is not None else None
        return self._update(conversation_id, message, participants, cues, raw)

    def observe_many(
        self,
        conversation_id: str,
        messages: Sequence[Message],
        participants: Sequence[Participant],
    ) -> list[RiskUpdate]:
        """Several messages of one conversation, in order: the same updates as calling
        observe() on each, in one call."""
        model = self.model
        return [
            self._update(
                conversation_id,
                m,
                participants,
                tuple(detect_cues(m.text, m.id)),
                model.raw(m.text) if model is not None else None,
            )
            for m in messages
        ]

    def _update(
        self,
        conversation_id: str,
        message: Message,
        participants: Sequence[Participant],
        cues: tuple[Cue, ...],
        raw: tuple[float, int] | None,
    ) -> RiskUpdate:
        conversation = self._conversations.get(conversation_id)
        if conversation is None:
            conversation = self._conversations[conversation_id] = _ConversationState()
        index = conversation.messages
        conversation.messages += 1
        author = conversation.authors.get(message.sender)
        if author is None:
            author = conversation.authors[message.sender] = _AuthorState()

        p = self.params
        if self.model is None or raw is None:
            window_logit = message_logit = p.cues_only_logit
        else:
            author.window_total = p.window_decay * author.window_total + raw[0]
            author.window_count = p.window_decay * author.window_count + raw[1]
            window_logit = self.model.window_logit(author.window_total, author.window_count)
            message_logit = self.model.window_logit(*raw)
        evidence = self._evidence(window_logit, cues)
        author.messages += 1
        author.evidence += evidence
        author.cues_seen.update(c.name for c in cues)
        # A message drives the risk by how far its own evidence (without the window) lies
        # above the benign prior.
        weight = self._evidence(message_logit, cues) - p.prior_evidence
        if weight > 0:
            reason = Reason(
                message.id, tuple(c.name for c in cues), excerpt(message.text), round(weight, 3)
            )
            entry = (weight, index, reason)
            if len(author.top) < TOP_REASONS:
                heapq.heappush(author.top, entry)
            elif weight > author.top[0][0]:
                heapq.heapreplace(author.top, entry)

        level = (author.evidence + p.prior_messages * p.prior_evidence) / (
            author.messages + p.prior_messages
        )
        z = (
            level
            + p.diversity_weight * len(author.cues_seen)
            + p.age_shift(message.sender, participants)
        )
        alert = False
        if author.alerted_at is None and z >= p.threshold_z:
            author.alerted_at = index
            alert = True
        reasons = tuple(r for _, _, r in sorted(author.top, key=lambda e: (-e[0], e[1])))
        return RiskUpdate(
            conversation_id=conversation_id,
            author_id=message.sender,
            message_index=index,
            score=_sigmoid(z),
            threshold=self.threshold,
            alert=alert,
            cues=cues,
            reasons=reasons,
        )

    def export_state(self, conversation_id: str) -> dict[str, Any]:
        """JSON-serialisable state of one conversation (empty conversation if unknown)."""
        conversation = self._conversations.get(conversation_id, _ConversationState())
        return {
            "version": STATE_VERSION,
            "messages": conversation.messages,
            "authors": {
                author_id: {
                    "messages": a.messages,
                    "evidence": a.evidence,
                    "window_total": a.window_total,
                    "window_count": a.window_count,
                    "cues_seen": sorted(a.cues_seen),
                    "alerted_at": a.alerted_at,
                    # Written out by hand: dataclasses.asdict deep-copies field by field
                    # and cost as much as the rest of the export.
                    "top": [
                        {
                            "index": seq,
                            "message_id": reason.message_id,
                            "cues": list(reason.cues),
                            "excerpt": reason.excerpt,
                            "weight": reason.weight,
                        }
                        for _, seq, reason in a.top
                    ],
                }
                for author_id, a in conversation.authors.items()
            },
        }

    def import_state(self, conversation_id: str, state: Mapping[str, Any]) -> None:
        """Restore what export_state produced; a malformed state raises ValueError."""
        try:
            if state["version"] not in READABLE_STATE_VERSIONS:
                raise ValueError(f"unsupported state version {state['version']!r}")
            conversation = _ConversationState(messages=int(state["messages"]))
            for author_id, a in state["authors"].items():
                top = []
                for item in a["top"]:
                    reason = Reason(
                        str(item["message_id"]),
                        tuple(str(c) for c in item["cues"]),
                        str(item["excerpt"]),
                        float(item["weight"]),
                    )
                    top.append((reason.weight, int(item["index"]), reason))
                heapq.heapify(top)
                alerted_at = a["alerted_at"]
                conversation.authors[str(author_id)] = _AuthorState(
                    messages=int(a["messages"]),
                    evidence=float(a["evidence"]),
                    window_total=float(a.get("window_total", 0.0)),
                    window_count=float(a.get("window_count", 0.0)),
                    cues_seen={str(c) for c in a["cues_seen"]},
                    alerted_at=None if alerted_at is None else int(alerted_at),
                    top=top,
                )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"malformed conversation state: {exc!r}") from exc
        self._conversations[conversation_id] = conversation

    def forget(self, conversation_id: str) -> None:
        self._conversations.pop(conversation_id, None)
