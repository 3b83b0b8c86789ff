"""RiskTracker: alert once with reasons, state round trip, age bands that inform but never
silence, the trajectory and fast path, several offenders in one group chat.

Every conversation here is invented and mild, written for these tests."""

from __future__ import annotations

import json

import pytest

from childsafe.conversations import RiskTracker, RiskUpdate
from childsafe.model import AgeBand, Message, Participant
from childsafe.signals.cues import CUE_NAMES

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
    assert {c for r in alert.reasons for c in r.cues} <= set(CUE_NAMES)
    assert [t.tactic for t in alert.tactics][:2] == ["personal_info", "gifts_flattery"]
    assert alert.age_context == "adult account -> 13-15"
    assert any(alert.tactics[0].plain in line for line in alert.explanation())
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
        a: {**{k: v for k, v in s.items() if not k.startswith("window_")},
            "cues_seen": sorted(s["last_used"])}
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


# Invented, mild sextortion: a fake peer swaps pictures, then threatens and demands money.
SEXTORTION = [
    ("a", "heyy u go to my school right"),
    ("k", "idk maybe"),
    ("a", "ur cute. wanna trade pics"),
    ("k", "ok"),
    ("a", "i saved it. send $300 in gift cards or i post it to all ur followers"),
    ("k", "please no"),
]
PEERS = [Participant("a", AgeBand.AGE_16_17), Participant("k", AgeBand.AGE_13_15)]


def test_sextortion_alerts_on_the_threat_before_the_child_answers(tracker: RiskTracker) -> None:
    updates = [
        tracker.observe("c1", Message(f"m{i}", who, text), PEERS)
        for i, (who, text) in enumerate(SEXTORTION)
    ]
    alerts = [u for u in updates if u.alert]
    assert [u.message_index for u in alerts] == [4]
    assert alerts[0].author_id == "a"
    assert alerts[0].fast_path is not None and "sextortion" in alerts[0].fast_path


def test_a_child_account_is_not_silenced(tracker: RiskTracker) -> None:
    """An adult posing as a 16-year-old: the band must not hide the same words."""
    as_teen = feed(tracker, GROOMING * 2, PEERS)
    assert any(u.alert for u in as_teen)


def test_unknown_ages_alert_on_content_alone(tracker: RiskTracker) -> None:
    unknown = [Participant("a"), Participant("k")]
    assert any(u.alert for u in feed(tracker, GROOMING * 2, unknown))


def test_image_request_plus_secrecy_to_a_child_is_a_fast_path(tracker: RiskTracker) -> None:
    updates = feed(tracker, ["hi", "send me a pic of u", "keep it our secret"], ADULT_CHILD)
    assert [u.alert for u in updates] == [False, False, True]
    tracker.forget("c1")
    adults = [Participant("a", AgeBand.ADULT), Participant("k", AgeBand.ADULT)]
    updates = feed(tracker, ["hi", "send me a pic of u", "keep it our secret"], adults)
    assert updates[-1].fast_path is None


def test_two_offenders_in_one_group_alert_apart(tracker: RiskTracker) -> None:
    group = [Participant("a", AgeBand.AGE_16_17), Participant("b", AgeBand.AGE_16_17),
             Participant("k", AgeBand.AGE_13_15)]  # fmt: skip
    lines = [("a", "prove ur loyalty to the group"), ("k", "how"),
             ("b", "carve our sign for us"), ("k", "no")]  # fmt: skip
    updates = [
        tracker.observe("g1", Message(f"m{i}", who, text), group)
        for i, (who, text) in enumerate(lines)
    ]
    assert {u.author_id for u in updates if u.alert} == {"a", "b"}


def test_disguised_tactics_are_seen_with_what_was_written(tracker: RiskTracker) -> None:
    update = feed(tracker, ["k33p 1t s3cr3t"], ADULT_CHILD)[0]
    assert [c.name for c in update.cues] == ["secrecy"]
    assert update.tactics[0].original == "k33p 1t s3cr3t"
    assert "secret" in update.tactics[0].evidence


def test_words_spelled_one_letter_per_message_are_read(tracker: RiskTracker) -> None:
    lines = ["add me on", "s", "n", "a", "p", "ok", "d", "o", "n", "t", "tell ur mum ok"]
    updates = feed(tracker, lines, PEERS)
    found = [(u.message_index, c.name) for u in updates for c in u.cues]
    assert (4, "move_platform") in found and (10, "secrecy") in found
    assert all(i in (4, 10) for i, _ in found)


def test_a_sender_who_deceives_about_their_age_counts_as_an_adult(tracker: RiskTracker) -> None:
    """A 13-15 account that says age is just a number and asks for secrecy scores as an
    adult would, and the explanation says why; the same words between adults do not."""
    lines = ["hey", "age is just a number tbh", "keep this between us ok"]
    teens = [Participant("a", AgeBand.AGE_13_15), Participant("k", AgeBand.AGE_13_15)]
    posing = feed(tracker, lines, teens)
    tracker.forget("c1")
    as_adult = feed(tracker, lines, [Participant("a", AgeBand.ADULT), teens[1]])
    assert posing[0].deceives is False and posing[-1].deceives is True
    assert posing[-1].score == pytest.approx(as_adult[-1].score)
    assert "deceived about their age, so counts as an adult" in posing[-1].explanation()[0]
    tracker.forget("c1")
    adults = feed(
        tracker, lines, [Participant("a", AgeBand.ADULT), Participant("k", AgeBand.ADULT)]
    )
    assert "deceived" not in adults[-1].explanation()[0]
    assert adults[-1].score < posing[-1].score


def test_stages_count_in_any_order(tracker: RiskTracker) -> None:
    """Offenders reorder the stages. Toward a child, asking the child's age and then for a
    move to another app reaches two stages just as the textbook order (isolation before
    risk assessment) does, and scores the same; among unknown ages only the textbook order
    counts as progression."""
    textbook = ["add me on snapchat", "how old r u"]
    reordered = textbook[::-1]
    scores = {}
    for name, lines, who in (
        ("textbook", textbook, ADULT_CHILD),
        ("reordered", reordered, ADULT_CHILD),
        ("one stage", ["dont tell ur mum ok", "add me on snapchat"], ADULT_CHILD),
        ("textbook, unknown ages", textbook, [Participant("a"), Participant("k")]),
        ("reordered, unknown ages", reordered, [Participant("a"), Participant("k")]),
    ):
        tracker.forget("c1")
        scores[name] = feed(tracker, lines, who)[-1].score
    # equal but for the older tactic having faded by one message
    assert scores["reordered"] == pytest.approx(scores["textbook"], abs=0.01)
    # secrecy (severity 0.8) outweighs age (0.5), yet one stage scores below two
    assert scores["one stage"] < scores["reordered"]
    assert scores["reordered, unknown ages"] < scores["textbook, unknown ages"]


def test_isolating_the_child_is_a_tactic(tracker: RiskTracker) -> None:
    update = feed(tracker, ["ur parents dont get u like i do tbh"], ADULT_CHILD)[0]
    assert [c.name for c in update.cues] == ["isolation"]


def test_agreeing_to_someone_elses_secret_is_not_asking_for_one(tracker: RiskTracker) -> None:
    """The friend who answers "our secret" to a crush kept quiet asked for nothing; the one
    who asked, and a reply that comes long after, still carry the tactic."""
    two = [Participant("a"), Participant("k")]
    lines = [("a", "dont tell anyone yet ok"), ("k", "lol ok our secret"), ("a", "see u tmrw")]
    lines += [("k", "ok")] * 4 + [("k", "its our secret")]
    updates = [
        tracker.observe("c1", Message(f"m{i}", sender, text), two)
        for i, (sender, text) in enumerate(lines)
    ]
    tactics = [{c.name for c in u.cues} for u in updates]
    assert tactics[0] == {"secrecy"}
    assert tactics[1] == set()
    assert tactics[-1] == {"secrecy"}
    state = tracker.export_state("c1")
    tracker.forget("c1")
    tracker.import_state("c1", state)
    # "k" asked last: a reply from "a" right after agrees with it, also after a restart
    reply = tracker.observe("c1", Message("m9", "a", "yes our secret"), two)
    assert not reply.cues


def test_the_text_model_does_not_read_quoted_speech() -> None:
    """A safety lesson's quoted warning signs are someone else's words: the text model reads
    the line as if the quote were blanked out, unlike the same words said unquoted."""
    quoted = 'warning signs: "delete our chats, ur so mature, add me on snap" then block them'
    blanked = "warning signs: " + " " * 48 + " then block them"
    said = "warning signs: delete our chats, ur so mature, add me on snap then block them"
    window = {}
    for name, text in (("quoted", quoted), ("blanked", blanked), ("said", said)):
        tracker = RiskTracker.default()
        feed(tracker, [text], ADULT_CHILD)
        window[name] = tracker.export_state("c1")["authors"]["a"]["window_total"]
    assert window["quoted"] == window["blanked"]
    assert window["said"] != window["quoted"]
