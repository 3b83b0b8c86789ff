"""An invite into a space, screened like a message: the inviter's unconnected children in that
space (childsafe.spaces.registry) become the policy's signals, and a rule that alerts puts the
inviter in the moderators' queue through contract C, with the reason in plain words ("invited
7 children with no connection to them into 'Art club' within 24 h").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from childsafe.cases.intake import CaseEvidence, open_or_update_case
from childsafe.model.clock import utcnow
from childsafe.policy import Decision, Policy
from childsafe.spaces.registry import UnconnectedInvites, unconnected_invites

INVITE_SIGNAL = "space.unconnected_children_invited"
# The cue the case carries (cases.priority weighs it).
INVITE_CUE = "invites_unconnected_children"
INVITE_SOURCE = "space_invite"


@dataclass(frozen=True, slots=True)
class InviteFinding:
    """An inviter whose invites into a space matched a rule."""

    invites: UnconnectedInvites
    decision: Decision

    def document(self) -> dict[str, Any]:
        """As GET /v1/spaces/{id} lists it under `signals`."""
        return {
            "name": INVITE_SIGNAL,
            "account_id": self.invites.inviter_id,
            "children": len(self.invites.children),
            "reason": self.invites.reason(),
            "rules": [match.rule.id for match in self.decision.matches],
            "alert": self.decision.alert.value if self.decision.alert else None,
        }

    def case_evidence(self) -> CaseEvidence:
        """One case item per space, inviter and number of children: each further child
        invited joins the inviter's case once, a repeated request adds nothing."""
        invites = self.invites
        key = f"{invites.space_id}\0{invites.inviter_id}\0{len(invites.children)}"
        return CaseEvidence(
            suspect_account_id=invites.inviter_id,
            source=INVITE_SOURCE,
            source_id="invite-" + hashlib.sha256(key.encode()).hexdigest()[:32],
            victim_account_ids=invites.children,
            cues=(INVITE_CUE,),
            score=None,
            occurred_at=utcnow(),
            reasons=(invites.reason(),),
        )


def signals(invites: UnconnectedInvites) -> dict[str, Any]:
    return {INVITE_SIGNAL: len(invites.children), "inviter.age_band": invites.inviter_age_band}


def invite_findings(
    session: Session, policy: Policy, space_id: str, inviter_id: str | None = None
) -> list[InviteFinding]:
    """The inviters (or only `inviter_id`) whose unconnected invites match an enforced rule."""
    findings = []
    for invites in unconnected_invites(session, space_id, inviter_id):
        decision = policy.evaluate(signals(invites))
        if decision.matches:
            findings.append(InviteFinding(invites, decision))
    return findings


def screen_invite(
    session: Session, policy: Policy, space_id: str, inviter_id: str
) -> InviteFinding | None:
    """After `inviter_id` added someone to the space (in the caller's transaction): what the
    policy makes of their invites, with the case opened or updated when a rule alerts."""
    findings = invite_findings(session, policy, space_id, inviter_id)
    if not findings:
        return None
    [finding] = findings  # one inviter asked for
    if finding.decision.alert is not None:
        open_or_update_case(session, finding.case_evidence())
    return finding
