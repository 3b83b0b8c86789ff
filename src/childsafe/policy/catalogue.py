"""Every signal name the screeners produce: the vocabulary a rule may test.

A rule that names a signal no screener produces never matches (a missing signal fails every
test but `present: false`), so a typo would silently disable it; rules are checked against this
catalogue when they load instead. The grooming tactics' names come from their registry
(childsafe.signals.cues), so a new tactic needs no line here; the screeners' side is held by a
test: everything they produce is catalogued here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from childsafe.signals.cues import CUE_NAMES

# Exact names, with what each one means.
SIGNALS: Mapping[str, str] = {
    "contact.gate": "the contact gate's answer: deliver | request | hold",
    "contact.reason": "why the gate answered so: connected | message_request | ...",
    "connected": "the sender is connected to every recipient",
    "sender.age_band": "under_13 | 13_15 | 16_17 | adult | unknown",
    "sender.is_child": "the sender is a child (unknown age counts as a child)",
    "sender.account_age_days": "days since the sender's account was opened",
    "recipient.age_band": "the youngest recipient's age band",
    "recipient.is_child": "some recipient is a child (unknown age counts as a child)",
    "conversation.risk": "the detector's grooming risk for this sender so far (0..1)",
    "conversation.alert": "the message on which that risk first crosses its threshold",
    "hash.known_match": "the image matched a hash bank",
    "hash.allow_listed": "a match was suppressed by the allow-list",
    "hash.match_distance": "the closest match's distance (0 for exact hashes)",
    "hash.match_bank": "the closest match's bank",
    "image.nudity": "the nudity detector's score (0..1), for images to a child",
    "space.unconnected_children_invited": "children the inviter brought (or tried to: kept out "
    "by the rating) into one space within 24 h with no connection to them (an invite, PUT "
    "/v1/spaces/{id}/members/{account})",
    "inviter.age_band": "the inviting account's age band (an invite)",
}

# Families of names: `cue.<tactic>` for each registered grooming tactic.
FAMILIES: Mapping[str, str] = {
    "cue.": "severity of a grooming tactic found in this message",
}
_MEMBERS: Mapping[str, frozenset[str]] = {"cue.": frozenset(CUE_NAMES)}


def is_known(name: str) -> bool:
    if name in SIGNALS:
        return True
    family, dot, member = name.rpartition(".")
    return bool(dot) and member in _MEMBERS.get(f"{family}.", frozenset())


def unknown(names: Iterable[str]) -> list[str]:
    """The names in `names` that no screener produces, sorted."""
    return sorted({name for name in names if not is_known(name)})
