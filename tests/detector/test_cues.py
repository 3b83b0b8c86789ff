"""Each cue detector finds its cue (with evidence) and stays quiet on ordinary chat."""

from __future__ import annotations

import pytest

from childsafe.signals.cues import CUE_NAMES, DETECTORS, detect_cues

EXAMPLES = {
    "secrecy": "dont tell ur parents about this",
    "personal_info": "how old are you",
    "move_platform": "add me on snapchat",
    "image_request": "send me a pic",
    "meeting": "we could meet up at the mall",
    "sexual": "are you horny",
    "gifts_flattery": "you're so beautiful",
    "threat_sextortion": "i'll send your pics to your friends",
}


def test_every_contract_cue_has_a_detector() -> None:
    assert set(CUE_NAMES) == set(EXAMPLES)
    assert all(0 < d.severity <= 1 for d in DETECTORS)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_cue_found_with_evidence(name: str) -> None:
    cues = {c.name: c for c in detect_cues(EXAMPLES[name], "m1")}
    assert name in cues
    assert cues[name].evidence.lower() in EXAMPLES[name].lower()
    assert cues[name].message_id == "m1"


@pytest.mark.parametrize(
    "text", ["that sucks lol", "", "the meeting is at 3pm in room 4", "i love this song"]
)
def test_ordinary_chat_has_no_cues(text: str) -> None:
    assert detect_cues(text) == []
