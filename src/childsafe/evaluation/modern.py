"""Figures for modern grooming (redteam-dev): by kind, through disguises, look-alike false
alerts, how early, and whether sextortion is caught before the child answers the threat.

Streams must be relative to their threshold (an alert is a score >= 0). The threat message
of a sextortion chat is found without the detector's tactics, so that a tactic that misses
the threat cannot move it: the first offender message that names money or a payment
method, or threatens to post, leak or send something on; the figure asks whether the alert
came before the child's first message after it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from childsafe.corpora.redteam import DISGUISED_KIND, SEXTORTION_KINDS, RedTeamConversation
from childsafe.evaluation.streaming import AuthorStream
from childsafe.signals.cues import CUE_NAMES, detect_cues
from childsafe.signals.normalise import normalise

_THREAT_OR_MONEY = re.compile(
    r"[$£€]\s?\d|\b\d+ ?(?:dollars|pounds|bucks|quid)\b|cash ?app|venmo|zelle|paypal|gift ?card"
    r"|bitcoin|crypto|usdt|\bbtc\b|\bpay\b|\b(?:post|leak|send|share|expose)\w* (?:it|them|this"
    r"|ur|your|everything|the (?:pic|photo|video)s?)\b"
)


@dataclass(frozen=True, slots=True)
class ModernFigures:
    grooming_conversations: int
    grooming_authors: int
    authors_alerted: float
    by_kind: dict[str, float]
    disguised_alerted: float
    lookalikes: int
    lookalike_false_alerts: int
    median_share_read: float
    sextortion_chats: int
    sextortion_before_answer: int

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{k} {v:.0%}" for k, v in sorted(self.by_kind.items()))
        return [
            f"grooming authors alerted {self.authors_alerted:.3f} "
            f"({self.grooming_authors} offenders in {self.grooming_conversations} chats)",
            f"disguised (filter-evasion) chats alerted {self.disguised_alerted:.3f}",
            f"benign look-alikes falsely alerted {self.lookalike_false_alerts} of "
            f"{self.lookalikes}",
            f"median share of a grooming chat read before the first alert "
            f"{self.median_share_read:.1%}",
            f"sextortion alerted before the child answered the threat: "
            f"{self.sextortion_before_answer} of {self.sextortion_chats}",
            f"alerted by kind: {kinds}",
        ]

    def as_dict(self) -> dict[str, object]:
        return {
            "modern_authors_alerted": round(self.authors_alerted, 4),
            "modern_disguised_alerted": round(self.disguised_alerted, 4),
            "modern_lookalike_false_alerts": self.lookalike_false_alerts,
            "modern_lookalikes": self.lookalikes,
            "modern_median_share_read": round(self.median_share_read, 4),
            "modern_sextortion_before_answer": self.sextortion_before_answer,
            "modern_sextortion_chats": self.sextortion_chats,
            "modern_by_kind": {k: round(v, 4) for k, v in self.by_kind.items()},
        }


def threat_answer_index(row: RedTeamConversation) -> int | None:
    """Index of the child's first message after the offender's first threat or money
    demand (None when there is no such pair)."""
    conversation = row.conversation
    threat = None
    for i, m in enumerate(conversation.messages):
        if threat is None:
            if m.sender in conversation.predator_ids and _THREAT_OR_MONEY.search(normalise(m.text)):
                threat = i
        elif m.sender not in conversation.predator_ids:
            return i
    return None


def modern_figures(
    streams: Sequence[AuthorStream], rows: Mapping[str, RedTeamConversation]
) -> ModernFigures:
    """`rows` by conversation id; streams of other conversations are ignored."""
    by_conversation: dict[str, list[AuthorStream]] = {}
    for s in streams:
        if s.conversation_id in rows:
            by_conversation.setdefault(s.conversation_id, []).append(s)
    kinds: dict[str, list[bool]] = {}
    offenders: list[bool] = []
    shares: list[float] = []
    lookalike_alerts = lookalikes = 0
    sextortion = before = 0
    for cid, members in by_conversation.items():
        row = rows[cid]
        if not row.grooming:
            lookalikes += 1
            lookalike_alerts += any(s.first_alert(0.0) is not None for s in members)
            continue
        firsts = [i for s in members if s.is_predator and (i := s.first_alert(0.0)) is not None]
        offenders.extend(s.first_alert(0.0) is not None for s in members if s.is_predator)
        kinds.setdefault(row.kind, []).append(bool(firsts))
        length = len(row.conversation.messages)
        shares.append((min(firsts) + 1) / length if firsts else 1.0)
        if row.kind in SEXTORTION_KINDS:
            answer = threat_answer_index(row)
            if answer is not None:
                sextortion += 1
                before += bool(firsts) and min(firsts) < answer
    alerted = [a for v in kinds.values() for a in v]
    return ModernFigures(
        grooming_conversations=len(alerted),
        grooming_authors=len(offenders),
        authors_alerted=float(np.mean(offenders)) if offenders else 0.0,
        by_kind={k: float(np.mean(v)) for k, v in kinds.items()},
        disguised_alerted=float(np.mean(kinds.get(DISGUISED_KIND, [0.0]))),
        lookalikes=lookalikes,
        lookalike_false_alerts=lookalike_alerts,
        median_share_read=float(np.median(shares)) if shares else 1.0,
        sextortion_chats=sextortion,
        sextortion_before_answer=before,
    )


def tactic_rates(rows: Sequence[RedTeamConversation]) -> list[str]:
    """Per tactic: the share of offenders' lines it fires on, and of the benign look-alikes'
    lines (which share cues with grooming on purpose). Lines, not conversations: a tactic
    that fires everywhere in the look-alikes is one the trajectory must not trust."""
    fired = {name: [0, 0] for name in CUE_NAMES}
    totals = [0, 0]
    for row in rows:
        conversation = row.conversation
        for m in conversation.messages:
            if row.grooming and m.sender not in conversation.predator_ids:
                continue  # victims' lines are neither offence nor look-alike
            side = 0 if row.grooming else 1
            totals[side] += 1
            for cue in detect_cues(m.text):
                fired[cue.name][side] += 1
    lines = [
        f"tactic lines fired: offenders' {totals[0]:,} lines | benign look-alikes' {totals[1]:,}"
    ]
    lines += [
        f"  {name:<18} {g / max(totals[0], 1):6.1%} | {b / max(totals[1], 1):6.1%}"
        for name, (g, b) in fired.items()
    ]
    return lines
