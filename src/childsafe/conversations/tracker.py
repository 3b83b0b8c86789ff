"""Per-author streaming risk with an alert that fires once, and the reasons behind it.

Each message is normalised once (signals.normalise: disguises undone), then tagged with
grooming tactics (signals.cues) and scored by the text model. Three parts make the score:

- level: each message adds evidence e = clip(model log-odds of the author's recent window:
  raw sums decayed by window_decay per message) + the weights of its tactics; the level is a
  running mean pulled toward a benign prior, m = (sum e + n0 * mu0) / (n + n0), so one odd
  line cannot alert and a long benign chat cannot drift up by volume alone. It counts no
  lower than level_floor: "nothing learned stands out" must not outweigh clear tactics;
- trajectory: every distinct tactic the author used adds its weight, fading with the
  author's messages since they last used it (a long chat cannot collect tactics by chance);
  a progression bonus rewards moving forward through the stages (rapport -> isolation ->
  risk assessment -> sexualisation -> exploitation), and a fresh grooming "access" tactic
  (secrecy, risk assessment, age deception) together with an exploitation one adds more.
  This does not depend on how long the chat is, so a 15-message sextortion can alert;
- age context: an adult account writing to a child raises the score, an older child to a
  younger one less, adults among themselves lower it; a child account is never penalised
  (adults pose as teens) and unknown ages alert on content alone.

score = sigmoid(max(level, level_floor) + trajectory + age shift); the alert fires on the
first message where it reaches the threshold. A fast path alerts at once, whatever the
history length, on combinations that are never benign when they come close together
(within fast_path_span of the author's messages): a threat with a payment demand or
deadline, a payment demand with a deadline, a payment demand after asking for images, an
image request plus secrecy from an older or unknown sender to a child, a self-harm or
loyalty dare. Words spelled one letter per message are read back together. Every author of
a conversation is tracked apart, so a group chat can have several offenders. State per
author is a handful of numbers, the tactics seen (at most one entry per tactic) and the top
few messages, so a message costs O(1) whatever the history.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from childsafe.model import AgeBand, Message, Participant
from childsafe.signals.base import Cue, Stage, excerpt
from childsafe.signals.cues import DETECTORS, detect_cues
from childsafe.signals.grooming import MODEL_PATH, GroomingModel
from childsafe.signals.normalise import normalise

TOP_REASONS = 3
STATE_VERSION = 3
# Version 1 states (before the windowed text model) lack the window sums: the window
# restarts empty on import. Versions 1-2 lack the tactics seen in order and the fast path;
# their cue names carry over as tactics seen at an unknown message.
READABLE_STATE_VERSIONS = (1, 2, 3)
STAGE_OF: dict[str, Stage] = {d.name: d.stage for d in DETECTORS}
PLAIN: dict[str, str] = {d.name: d.plain for d in DETECTORS}
_SEVERITY: dict[str, float] = {d.name: d.severity for d in DETECTORS}
# Tactics that give an offender access to a child unseen, and those that exploit it.
ACCESS_TACTICS = frozenset({"secrecy", "risk_assessment", "age_deception"})
EXPLOIT_TACTICS = frozenset(
    {"image_request", "sexual", "meeting", "threat_sextortion", "payment_demand",
     "dares_self_harm"}
)  # fmt: skip
_AGE_ORDER = {AgeBand.UNDER_13: 0, AgeBand.AGE_13_15: 1, AgeBand.AGE_16_17: 2, AgeBand.ADULT: 3}
_AGE_WORDS = {
    AgeBand.UNDER_13: "under 13",
    AgeBand.AGE_13_15: "13-15",
    AgeBand.AGE_16_17: "16-17",
    AgeBand.ADULT: "adult",
    AgeBand.UNKNOWN: "unknown age",
}


@dataclass(frozen=True, slots=True)
class Reason:
    """A message that drove an author's risk: which one, its cues, an excerpt, its weight."""

    message_id: str
    cues: tuple[str, ...]
    excerpt: str
    weight: float


@dataclass(frozen=True, slots=True)
class TacticSeen:
    """The first message where an author used a tactic: what it matched, as written too."""

    tactic: str
    message_index: int
    message_id: str
    evidence: str
    original: str

    @property
    def plain(self) -> str:
        return PLAIN.get(self.tactic, self.tactic)


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
    # The author's tactics in the order first seen and the fast-path rule that fired (if
    # any).
    tactics: tuple[TacticSeen, ...] = ()
    fast_path: str | None = None
    # (sender's band, youngest other band or None): see age_context.
    bands: tuple[AgeBand, AgeBand | None] | None = None

    @property
    def age_context(self) -> str:
        """The sender's and the youngest recipient's bands in words ("adult account ->
        13-15"); built only when asked (most updates are never explained)."""
        return age_context(*self.bands) if self.bands is not None else ""

    def explanation(self) -> list[str]:
        """Plain-word lines a moderator can judge in seconds."""
        context = self.age_context
        lines = [f"Age context: {context}."] if context else []
        if self.fast_path:
            lines.append(f"Alerted at once: {self.fast_path}.")
        for seen in self.tactics:
            said = f'"{seen.evidence}"'
            if seen.original not in ("", seen.evidence):
                said += f' (written "{seen.original}")'
            lines.append(f"Message #{seen.message_index} ({seen.message_id}): {seen.plain}: {said}")
        if not self.tactics:
            lines.append(
                "No tactic named: the text model found this author's wording close to that "
                "of known groomers in its training data (see the messages below)."
            )
        return lines


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
    # Trajectory: each distinct tactic adds its weight (its severity times this), each step
    # forward to a later stage adds progression_weight, access + exploitation adds
    # access_exploit_bonus.
    tactic_weight: float = 0.6
    progression_weight: float = 0.2
    access_exploit_bonus: float = 0.8
    # A tactic's part fades with the author's messages since they last used it (e-folding
    # after this many), so a long chat cannot collect tactics by chance over hundreds of
    # lines; stages and access + exploitation count while their tactics are fresh (>= 1/2).
    tactic_memory: float = 40.0
    # A fast-path combination must fall within this many of the author's messages.
    fast_path_span: int = 12
    # The text model scores a window of the author's recent messages whose sums decay by
    # this factor per message (about ten messages, the training window).
    window_decay: float = 0.9
    adult_to_child_shift: float = 1.0
    older_child_to_younger_shift: float = 1.0
    adult_to_adult_shift: float = -1.5
    threshold_z: float = 1.0
    # The level counts no lower than this: below it the text model and the benign prior
    # only say "nothing learned stands out", which must not outweigh clear tactics (a
    # 15-message sextortion); the trajectory and age context then decide alone.
    level_floor: float = -1.5
    # Used as every message's log-odds when the tracker has no text model.
    cues_only_logit: float = -2.0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrackerParams:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cue_weights"] = dict(self.cue_weights)
        return data

    def shift_for(self, own: AgeBand, youngest: AgeBand | None) -> float:
        """How the sender's band and the youngest recipient's (see _bands) move the risk.
        Bands inform, never silence: unknown ages and a child account sending add nothing
        and take nothing."""
        if own is AgeBand.ADULT:
            if youngest is None or youngest is AgeBand.UNKNOWN:
                return 0.0
            if youngest is AgeBand.ADULT:
                return self.adult_to_adult_shift
            return self.adult_to_child_shift
        if own is AgeBand.UNKNOWN or youngest in (None, AgeBand.UNKNOWN):
            return 0.0
        if _AGE_ORDER[own] > _AGE_ORDER[youngest]:
            return self.older_child_to_younger_shift
        return 0.0


def _bands(sender: str, participants: Sequence[Participant]) -> tuple[AgeBand, AgeBand | None]:
    """The sender's band and the youngest known band among the others (unknown if any
    other is unknown and none is known to be a child; None when alone)."""
    own = AgeBand.UNKNOWN
    others: list[AgeBand] = []
    for p in participants:
        band = p.age_band if type(p.age_band) is AgeBand else AgeBand(p.age_band)
        if p.id == sender:
            own = band
        else:
            others.append(band)
    known = [b for b in others if b is not AgeBand.UNKNOWN]
    if not others:
        return own, None
    if known and (min(_AGE_ORDER[b] for b in known) < _AGE_ORDER[AgeBand.ADULT]):
        return own, min(known, key=_AGE_ORDER.__getitem__)
    if len(known) < len(others):
        return own, AgeBand.UNKNOWN
    return own, AgeBand.ADULT


def age_context(own: AgeBand, youngest: AgeBand | None) -> str:
    """ "adult account -> 13-15" in words, for explanations."""
    if youngest is None:
        return f"{_AGE_WORDS[own]} account, no recipient"
    return f"{_AGE_WORDS[own]} account -> {_AGE_WORDS[youngest]}"


# Without a text model, cues carry all the evidence, so they weigh more and the prior is
# weaker; every message without cues counts as mildly benign (cues_only_logit).
CUES_ONLY = TrackerParams(
    prior_messages=8.0,
    prior_evidence=-2.0,
    cue_weights={d.name: 2.0 * d.severity for d in DETECTORS},
    threshold_z=1.0,
)
FAST_PATH_Z = 60.0  # the sigmoid's ceiling: a fast-path alert outranks any threshold


@dataclass(slots=True)
class _AuthorState:
    messages: int = 0
    evidence: float = 0.0
    window_total: float = 0.0
    window_count: float = 0.0
    alerted_at: int | None = None
    # Trajectory: tactics in the order first used, the author's message number when each
    # was last used (its keys are the tactics seen), and the fast-path rule that fired.
    tactics: list[TacticSeen] = field(default_factory=list)
    last_used: dict[str, int] = field(default_factory=dict)
    fast_path: str | None = None
    # How many of the author's messages carried a tactic: one message alone never alerts
    # through the trajectory (only through the fast path).
    tactic_messages: int = 0
    # Letters sent one per message so far, and the end of the message before them.
    spelled: str = ""
    spell_context: str = ""
    # The top reasons heaviest first (derived from top, kept so a message needs no sort).
    ranked: tuple[Reason, ...] = ()
    # Min-heap of (weight, sequence, Reason): the TOP_REASONS heaviest messages so far.
    top: list[tuple[float, int, Reason]] = field(default_factory=list)


@dataclass(slots=True)
class _ConversationState:
    messages: int = 0
    authors: dict[str, _AuthorState] = field(default_factory=dict)


def _ranked(top: list[tuple[float, int, Reason]]) -> tuple[Reason, ...]:
    return tuple(r for _, _, r in sorted(top, key=lambda e: (-e[0], e[1])))


def _fast_path(seen: set[str], own: AgeBand, youngest: AgeBand | None) -> str | None:
    """The combination that makes an author's intent plain at once, or None."""
    if "dares_self_harm" in seen:
        return "a self-harm or loyalty dare"
    if "threat_sextortion" in seen and "payment_demand" in seen:
        return "a threat together with a payment demand (sextortion)"
    if "threat_sextortion" in seen and "countdown" in seen:
        return "a threat together with a deadline (sextortion)"
    if "payment_demand" in seen and "countdown" in seen:
        return "a payment demand with a deadline (extortion)"
    if "payment_demand" in seen and not seen.isdisjoint({"image_request", "sexual"}):
        return "a payment demand after asking for images or sexual talk (sextortion)"
    if (
        "image_request" in seen
        and "secrecy" in seen
        and youngest is not None
        and youngest is not AgeBand.ADULT
        and (
            own is AgeBand.UNKNOWN
            or youngest is AgeBand.UNKNOWN
            or _AGE_ORDER[own] > _AGE_ORDER[youngest]
        )
    ):
        return "an image request together with a request for secrecy, to a child"
    return None


SPELLED_LETTERS = 24  # at most this many one-letter messages are joined back into words
SPELL_CONTEXT = 80  # characters of the author's previous message kept to read them with


def _spelled_cues(
    author: _AuthorState, plain: str, message_id: str, found: set[str]
) -> tuple[Cue, ...]:
    """Tactics spelled one letter per message ("add me on" / s / n / a / p), read by joining
    the author's single-letter messages back to the words around them."""
    if len(plain) == 1 and plain.isalnum():
        author.spelled = (author.spelled + plain)[-SPELLED_LETTERS:]
        if len(author.spelled) < 3:
            return ()
        before = author.spell_context
        joined = f"{before} {author.spelled}"
        # the message before the letters was read on its own when it came
        already = found | {c.name for c in detect_cues(before, message_id, before)}
    else:
        joined = f"{author.spelled} {plain}" if len(author.spelled) >= 3 else ""
        author.spelled = ""
        author.spell_context = plain[-SPELL_CONTEXT:]
        if not joined:
            return ()
        already = found  # this message's own tactics
    # `joined` is already plain text, so the words as written are the words matched
    return tuple(c for c in detect_cues(joined, message_id, joined) if c.name not in already)


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
        plain = normalise(message.text)
        cues = tuple(detect_cues(message.text, message.id, plain))
        raw = self.model.raw(plain) if self.model is not None else None
        return self._update(conversation_id, message, participants, cues, raw, plain)

    def observe_many(
        self,
        conversation_id: str,
        messages: Sequence[Message],
        participants: Sequence[Participant],
    ) -> list[RiskUpdate]:
        """Several messages of one conversation, in order: the same updates as calling
        observe() on each, in one call."""
        return [self.observe(conversation_id, m, participants) for m in messages]

    def _trajectory(self, author: _AuthorState) -> float:
        """Fresh tactics' weights, steps forward through the stages in the order the
        author first used them, and access + exploitation together."""
        p = self.params
        if author.tactic_messages < 2:
            return 0.0
        now = author.messages
        total = 0.0
        high = steps = 0
        access = exploit = False
        for seen in author.tactics:
            age = now - author.last_used[seen.tactic]
            if age > 5 * p.tactic_memory:
                continue
            freshness = math.exp(-age / p.tactic_memory)
            total += p.tactic_weight * _SEVERITY.get(seen.tactic, 0.0) * freshness
            if freshness < 0.5:
                continue
            stage = STAGE_OF.get(seen.tactic, 0)
            if stage > high:
                steps += high > 0
                high = stage
            access = access or seen.tactic in ACCESS_TACTICS
            exploit = exploit or seen.tactic in EXPLOIT_TACTICS
        total += p.progression_weight * steps
        if access and exploit:
            total += p.access_exploit_bonus
        return total

    def _update(
        self,
        conversation_id: str,
        message: Message,
        participants: Sequence[Participant],
        cues: tuple[Cue, ...],
        raw: tuple[float, int] | None,
        plain: str,
    ) -> RiskUpdate:
        conversation = self._conversations.get(conversation_id)
        if conversation is None:
            conversation = self._conversations[conversation_id] = _ConversationState()
        index = conversation.messages
        conversation.messages += 1
        author = conversation.authors.get(message.sender)
        if author is None:
            author = conversation.authors[message.sender] = _AuthorState()

        if author.spelled or (len(plain) == 1 and plain.isalnum()):
            cues += _spelled_cues(author, plain, message.id, {c.name for c in cues})
        else:
            author.spell_context = plain[-SPELL_CONTEXT:]
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
        author.tactic_messages += bool(cues)
        for cue in cues:
            if cue.name not in author.last_used:
                author.tactics.append(
                    TacticSeen(cue.name, index, message.id, cue.evidence, cue.original)
                )
            author.last_used[cue.name] = author.messages
        # A message drives the risk by how far its own evidence (without the window) lies
        # above the benign prior.
        weight = self._evidence(message_logit, cues) - p.prior_evidence
        if weight > 0 and (len(author.top) < TOP_REASONS or weight > author.top[0][0]):
            reason = Reason(
                message.id, tuple(c.name for c in cues), excerpt(message.text), round(weight, 3)
            )
            entry = (weight, index, reason)
            if len(author.top) < TOP_REASONS:
                heapq.heappush(author.top, entry)
            else:
                heapq.heapreplace(author.top, entry)
            author.ranked = _ranked(author.top)

        bands = _bands(message.sender, participants)
        if cues and author.fast_path is None:
            recent = {
                name
                for name, used in author.last_used.items()
                if author.messages - used < p.fast_path_span
            }
            author.fast_path = _fast_path(recent, *bands)
        level = (author.evidence + p.prior_messages * p.prior_evidence) / (
            author.messages + p.prior_messages
        )
        z = max(level, p.level_floor) + self._trajectory(author) + p.shift_for(*bands)
        if author.fast_path is not None:
            z = FAST_PATH_Z
        alert = False
        if author.alerted_at is None and z >= p.threshold_z:
            author.alerted_at = index
            alert = True
        reasons = author.ranked
        return RiskUpdate(
            conversation_id=conversation_id,
            author_id=message.sender,
            message_index=index,
            score=_sigmoid(z),
            threshold=self.threshold,
            alert=alert,
            cues=cues,
            reasons=reasons,
            tactics=tuple(author.tactics),
            fast_path=author.fast_path,
            bands=bands,
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
                    "alerted_at": a.alerted_at,
                    "tactics": [
                        [t.tactic, t.message_index, t.message_id, t.evidence, t.original]
                        for t in a.tactics
                    ],
                    "last_used": dict(a.last_used),
                    "tactic_messages": a.tactic_messages,
                    "spelled": a.spelled,
                    "spell_context": a.spell_context,
                    "fast_path": a.fast_path,
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
        version = state.get("version") if isinstance(state, Mapping) else None
        if version not in READABLE_STATE_VERSIONS:
            raise ValueError(f"unsupported state version {version!r}")
        try:
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
                tactics = [
                    TacticSeen(str(n), int(i), str(m), str(e), str(o))
                    for n, i, m, e, o in a.get("tactics", ())
                ]
                last_used = {str(k): int(v) for k, v in a.get("last_used", {}).items()}
                # Versions 1-2 list the cue names only: seen long ago, at an unknown message.
                names = a["cues_seen"] if version < 3 else ()
                legacy = sorted({str(c) for c in names} - set(last_used))
                tactics += [TacticSeen(c, -1, "", "", "") for c in legacy]
                last_used.update(dict.fromkeys(legacy, -(10**9)))
                fast_path = a.get("fast_path")
                conversation.authors[str(author_id)] = _AuthorState(
                    messages=int(a["messages"]),
                    evidence=float(a["evidence"]),
                    window_total=float(a.get("window_total", 0.0)),
                    window_count=float(a.get("window_count", 0.0)),
                    alerted_at=None if alerted_at is None else int(alerted_at),
                    top=top,
                    ranked=_ranked(top),
                    tactics=tactics,
                    last_used=last_used,
                    tactic_messages=int(a.get("tactic_messages", len(legacy))),
                    spelled=str(a.get("spelled", "")),
                    spell_context=str(a.get("spell_context", "")),
                    fast_path=None if fast_path is None else str(fast_path),
                )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"malformed conversation state: {exc!r}") from exc
        self._conversations[conversation_id] = conversation

    def forget(self, conversation_id: str) -> None:
        self._conversations.pop(conversation_id, None)
