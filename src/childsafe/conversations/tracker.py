"""Per-author streaming risk with an alert that fires once, and the reasons behind it.

Each message is normalised once (signals.normalise: disguises undone), then tagged with
grooming tactics (signals.cues) and scored by the text model, neither reading quoted
(reported) speech. Three parts make the score:

- level: each message adds evidence e = clip(model log-odds of the author's recent window:
  raw sums decayed by window_decay per message) + the weights of its tactics; the level is a
  running mean pulled toward a benign prior, m = (sum e + n0 * mu0) / (n + n0), so one odd
  line cannot alert and a long benign chat cannot drift up by volume alone. It counts no
  lower than level_floor: "nothing learned stands out" must not outweigh clear tactics;
- trajectory: every distinct tactic the author used adds its weight, fading with the
  author's messages since they last used it (a long chat cannot collect tactics by chance);
  a progression bonus rewards moving forward through the stages (rapport -> isolation ->
  risk assessment -> sexualisation -> exploitation; toward a child, every stage reached
  counts in any order, as offenders reorder them), and a fresh grooming "access" tactic
  (secrecy, risk assessment, age deception) together with an exploitation one adds more.
  This does not depend on how long the chat is, so a 15-message sextortion can alert;
- age context: an adult account writing to a child raises the score, as does an older
  child to a younger one; adults among themselves lower it; a child account is never
  penalised (adults pose as teens), a sender who deceived about their age counts as an
  adult, and unknown ages alert on content alone.

score = sigmoid(max(level, level_floor) + trajectory + age shift); the alert fires on the
first message where it reaches the threshold. A fast path alerts at once, whatever the
history length, on combinations that are never benign when they come close together
(within fast_path_span of the author's messages): a threat with a payment demand or
deadline, a payment demand with a deadline, a payment demand after asking for images, an
image request plus secrecy from an older or unknown sender to a child, a self-harm or
loyalty dare. Words spelled one letter per message are read back together; secrecy right
after another author asked for it is agreeing, not asking, and does not count. Every author of
a conversation is tracked apart, so a group chat can have several offenders. State per
author is a handful of numbers, the tactics seen (at most one entry per tactic) and the top
few messages, so a message costs O(1) whatever the history.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from typing import Any

from childsafe.conversations.ages import as_scored, sender_and_youngest
from childsafe.conversations.explanation import Reason, RiskUpdate, TacticSeen
from childsafe.conversations.params import CUES_ONLY, TrackerParams
from childsafe.conversations.spelling import SPELL_CONTEXT, spelled_cues
from childsafe.conversations.state import (
    AuthorState,
    ConversationState,
    export_state,
    import_state,
    ranked_reasons,
)
from childsafe.conversations.trajectory import FAST_PATH_Z, fast_path, trajectory
from childsafe.model import Message, Participant
from childsafe.signals.base import Cue, excerpt
from childsafe.signals.cues import detect_cues
from childsafe.signals.grooming import MODEL_PATH, GroomingModel
from childsafe.signals.normalise import normalise
from childsafe.signals.quoting import without_quotes

TOP_REASONS = 3
# A reply within this many messages of another author's request for secrecy agrees to it.
AGREEMENT_SPAN = 3


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


class RiskTracker:
    """Streaming grooming risk for many conversations at once (not thread-safe)."""

    def __init__(self, model: GroomingModel | None, params: TrackerParams) -> None:
        self.model = model
        self.params = params
        self.threshold = _sigmoid(params.threshold_z)
        self._conversations: dict[str, ConversationState] = {}

    @classmethod
    def default(cls) -> RiskTracker:
        """The shipped model and its calibrated thresholds."""
        return cls.with_model(GroomingModel.load(MODEL_PATH))

    @classmethod
    def with_model(cls, model: GroomingModel) -> RiskTracker:
        """A loaded model (a `childsafe train` artifact) and the thresholds calibrated with it."""
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
        raw = self.model.raw(without_quotes(plain)) if self.model is not None else None
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
            conversation = self._conversations[conversation_id] = ConversationState()
        index = conversation.messages
        conversation.messages += 1
        author = conversation.authors.get(message.sender)
        if author is None:
            author = conversation.authors[message.sender] = AuthorState()

        if author.spelled or (len(plain) == 1 and plain.isalnum()):
            cues += spelled_cues(author, plain, message.id, {c.name for c in cues})
        else:
            author.spell_context = plain[-SPELL_CONTEXT:]
        cues = self._unless_agreeing(conversation, message.sender, index, cues)
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
            author.ranked = ranked_reasons(author.top)

        bands = sender_and_youngest(message.sender, participants)
        deceives = "age_deception" in author.last_used
        scored_bands = as_scored(*bands, deceives)
        if cues and author.fast_path is None:
            recent = {
                name
                for name, used in author.last_used.items()
                if author.messages - used < p.fast_path_span
            }
            author.fast_path = fast_path(recent, *scored_bands)
        level = (author.evidence + p.prior_messages * p.prior_evidence) / (
            author.messages + p.prior_messages
        )
        shift = p.shift_for(*scored_bands)
        z = max(level, p.level_floor) + trajectory(author, p, toward_child=shift > 0) + shift
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
            deceives=deceives,
        )

    @staticmethod
    def _unless_agreeing(
        conversation: ConversationState, sender: str, index: int, cues: tuple[Cue, ...]
    ) -> tuple[Cue, ...]:
        """The cues that count for the sender: secrecy right after someone else asked for it
        is agreeing to keep their secret ("our secret 🤫"), not asking the other to keep one."""
        if not any(c.name == "secrecy" for c in cues):
            return cues
        asked_by, asked_at = conversation.secret_asked_by, conversation.secret_asked_at
        if asked_by is not None and asked_by != sender and index - asked_at <= AGREEMENT_SPAN:
            return tuple(c for c in cues if c.name != "secrecy")
        conversation.secret_asked_by, conversation.secret_asked_at = sender, index
        return cues

    def export_state(self, conversation_id: str) -> dict[str, Any]:
        """JSON-serialisable state of one conversation (empty conversation if unknown)."""
        return export_state(self._conversations.get(conversation_id, ConversationState()))

    def import_state(self, conversation_id: str, state: Mapping[str, Any]) -> None:
        """Restore what export_state produced; a malformed state raises ValueError."""
        self._conversations[conversation_id] = import_state(state)

    def forget(self, conversation_id: str) -> None:
        self._conversations.pop(conversation_id, None)
