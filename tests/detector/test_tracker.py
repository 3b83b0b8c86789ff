"""RiskTracker: contract A behaviour (alert once, reasons, state round trip, age bands)."""

from __future__ import annotations

import json

import pytest

from childsafe.conversations import RiskTracker, RiskUpdate
from childsafe.model import AgeBand, Message, Participant

GROOMING = [
    "hey there",
    "how old r u?",
    "ur so pretty and mature for your age",
    "dont tell ur mom about me ok, its our secret",
    "send me a pic of u",
    "can we meet up this weekend? i can pick u up",
    "are you home alone tonight",
]
BENIGN = [
    "did you finish the maths homework",
    "yeah it was easy lol",
    "what did you get for question 3",
    "42 i think",
    "cool see you at practice",
]


def feed(
    tracker: RiskTracker, texts: list[str], participants: list[Participant], sender: str = "a"
) -> list[RiskUpdate]:
    return [
        tracker.observe("c1", Message(f"m{i}", sender, text), participants)
        for i, text in enumerate(texts)
    ]


@pytest.fixture(params=["default", "cues_only"])
def tracker(request: pytest.FixtureRequest) -> RiskTracker:
    return RiskTracker.default() if request.param == "default" else RiskTracker.cues_only()


ADULT_CHILD = [Participant("a", AgeBand.ADULT), Participant("k", AgeBand.AGE_13_15)]


def test_grooming_alerts_exactly_once_with_reasons(tracker: RiskTracker) -> None:
    updates = feed(tracker, GROOMING * 3, ADULT_CHILD)
    alerts = [u for u in updates if u.alert]
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.score >= alert.threshold
    assert alert.message_index < 2 * len(GROOMING)
    assert alert.reasons and all(r.weight > 0 for r in alert.reasons)
    assert {c for r in alert.reasons for c in r.cues} <= {
        "secrecy", "personal_info", "move_platform", "image_request", "meeting",
        "sexual", "gifts_flattery", "threat_sextortion",
    }  # fmt: skip
    assert [u.message_index for u in updates] == list(range(len(updates)))


def test_benign_chat_does_not_alert(tracker: RiskTracker) -> None:
    updates = feed(tracker, BENIGN * 5, ADULT_CHILD)
    assert not any(u.alert for u in updates)
    assert all(0.0 <= u.score < u.threshold for u in updates)


def test_adult_to_child_scores_higher_than_adult_to_adult(tracker: RiskTracker) -> None:
    to_child = feed(tracker, GROOMING[:3], ADULT_CHILD)[-1].score
    tracker.forget("c1")
    adults = [Participant("a", AgeBand.ADULT), Participant("k", AgeBand.ADULT)]
    to_adult = feed(tracker, GROOMING[:3], adults)[-1].score
    tracker.forget("c1")
    unknown = [Participant("a"), Participant("k")]
    to_unknown = feed(tracker, GROOMING[:3], unknown)[-1].score
    assert to_child > to_unknown > to_adult


def test_cues_of_this_message_only(tracker: RiskTracker) -> None:
    first, second = feed(tracker, ["send me a pic", "ok"], ADULT_CHILD)
    assert [c.name for c in first.cues] == ["image_request"]
    assert first.cues[0].message_id == "m0"
    assert second.cues == ()


def test_state_round_trip_continues_identically(tracker: RiskTracker) -> None:
    feed(tracker, GROOMING[:3], ADULT_CHILD)
    state = json.loads(json.dumps(tracker.export_state("c1")))
    restored = RiskTracker(tracker.model, tracker.params)
    restored.import_state("c1", state)
    rest = [Message(f"n{i}", "a", t) for i, t in enumerate(GROOMING[3:])]
    a = [tracker.observe("c1", m, ADULT_CHILD) for m in rest]
    b = [restored.observe("c1", m, ADULT_CHILD) for m in rest]
    assert a == b


def test_forget_starts_over(tracker: RiskTracker) -> None:
    feed(tracker, GROOMING, ADULT_CHILD)
    tracker.forget("c1")
    assert tracker.export_state("c1")["messages"] == 0
    assert feed(tracker, ["hi"], ADULT_CHILD)[0].message_index == 0


def test_version_1_state_restarts_the_window(tracker: RiskTracker) -> None:
    feed(tracker, GROOMING[:3], ADULT_CHILD)
    state = tracker.export_state("c1")
    old = {**state, "version": 1, "authors": {
        a: {k: v for k, v in s.items() if not k.startswith("window_")}
        for a, s in state["authors"].items()
    }}  # fmt: skip
    tracker.import_state("c2", old)
    restored = tracker.export_state("c2")["authors"]["a"]
    assert restored["window_total"] == 0.0 and restored["window_count"] == 0.0
    assert restored["evidence"] == state["authors"]["a"]["evidence"]


@pytest.mark.parametrize(
    "state", [{}, {"version": 99, "messages": 0, "authors": {}}, {"version": 1, "messages": 1}]
)
def test_import_rejects_malformed_state(state: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        RiskTracker.cues_only().import_state("c1", state)
