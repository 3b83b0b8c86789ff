"""The streaming score's calibration (`TrackerParams`), which training writes beside the
model weights, and the weights used when there is no text model (`CUES_ONLY`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from childsafe.conversations.ages import AGE_ORDER
from childsafe.model import AgeBand
from childsafe.signals.cues import DETECTORS


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
    # Trajectory: each distinct tactic adds its weight (its severity times this), each stage
    # reached beyond the first adds progression_weight, access + exploitation adds
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
    # Out of fold on redteam-dev, 1.0 -> 1.5 moved the first alert from 74% to 55% of a
    # modern chat read with one look-alike alerted as before; 1.75 alerted a second one.
    adult_to_child_shift: float = 1.5
    older_child_to_younger_shift: float = 1.5
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
        """How the sender's band and the youngest recipient's (see
        `ages.sender_and_youngest`) move the risk. Bands inform, never silence: unknown ages
        and a child account sending add nothing and take nothing."""
        if own is AgeBand.ADULT:
            if youngest is None or youngest is AgeBand.UNKNOWN:
                return 0.0
            if youngest is AgeBand.ADULT:
                return self.adult_to_adult_shift
            return self.adult_to_child_shift
        if own is AgeBand.UNKNOWN or youngest in (None, AgeBand.UNKNOWN):
            return 0.0
        if AGE_ORDER[own] > AGE_ORDER[youngest]:
            return self.older_child_to_younger_shift
        return 0.0


# Without a text model, cues carry all the evidence, so they weigh more and the prior is
# weaker; every message without cues counts as mildly benign (cues_only_logit).
CUES_ONLY = TrackerParams(
    prior_messages=8.0,
    prior_evidence=-2.0,
    cue_weights={d.name: 2.0 * d.severity for d in DETECTORS},
    threshold_z=1.0,
)
