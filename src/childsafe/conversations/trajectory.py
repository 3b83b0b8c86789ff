"""The trajectory part of the score and the fast path.

Every distinct tactic an author used adds its weight, fading with the author's messages since
they last used it; each step forward through the stages of grooming adds a progression bonus
(toward a child, each further stage reached counts in any order: offenders skip and reorder
O'Connell's stages, Aitken et al. 2018; among adults or unknown ages, where sexual talk and
plans to meet are everyday, only the textbook order counts), and a fresh "access" tactic
together with an exploitation one adds more. The fast path alerts at once on
combinations that are never benign when they come close together.
"""

from __future__ import annotations

import math

from childsafe.conversations.ages import AGE_ORDER
from childsafe.conversations.params import TrackerParams
from childsafe.conversations.state import AuthorState
from childsafe.model import AgeBand
from childsafe.signals.base import Stage
from childsafe.signals.cues import DETECTORS

STAGE_OF: dict[str, Stage] = {d.name: d.stage for d in DETECTORS}
_SEVERITY: dict[str, float] = {d.name: d.severity for d in DETECTORS}
# Tactics that give an offender access to a child unseen, and those that exploit it.
ACCESS_TACTICS = frozenset({"secrecy", "risk_assessment", "age_deception"})
EXPLOIT_TACTICS = frozenset(
    {"image_request", "sexual", "meeting", "threat_sextortion", "payment_demand",
     "dares_self_harm"}
)  # fmt: skip
FAST_PATH_Z = 60.0  # the sigmoid's ceiling: a fast-path alert outranks any threshold


def trajectory(author: AuthorState, p: TrackerParams, toward_child: bool) -> float:
    """Fresh tactics' weights, progression through the stages, and access + exploitation
    together. Progression counts steps forward in the order the author first used the
    stages; toward a child (an older or adult sender, see `shift_for`) it counts every
    stage reached beyond the first, in any order."""
    if author.tactic_messages < 2:
        return 0.0
    now = author.messages
    total = 0.0
    high = steps = 0
    stages = 0  # a bit per stage reached by a fresh tactic
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
        stages |= 1 << stage
        if stage > high:
            steps += high > 0
            high = stage
        access = access or seen.tactic in ACCESS_TACTICS
        exploit = exploit or seen.tactic in EXPLOIT_TACTICS
    if toward_child:
        steps = max(steps, stages.bit_count() - 1)
    total += p.progression_weight * steps
    if access and exploit:
        total += p.access_exploit_bonus
    return total


def fast_path(seen: set[str], own: AgeBand, youngest: AgeBand | None) -> str | None:
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
            or AGE_ORDER[own] > AGE_ORDER[youngest]
        )
    ):
        return "an image request together with a request for secrecy, to a child"
    return None
