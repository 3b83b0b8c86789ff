"""Each cue detector finds its cue (with evidence) and stays quiet on ordinary chat."""

from __future__ import annotations

import re

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
    "risk_assessment": "do ur parents check ur phone",
    "age_deception": "im actually 19, age is just a number",
    "payment_demand": "send $200 in gift cards",
    "countdown": "u have 15 minutes",
    "dares_self_harm": "prove ur loyalty",
    "isolation": "ur parents dont get u, nobody understands u like i do",
}
# Invented, mild lines: each disguise of a tactic must still be found after normalisation.
DISGUISED = {
    "secrecy": "k33p 1t s3cr3t",
    "move_platform": "add me on s n a p c h a t",
    "image_request": "s\u200be\u200bn\u200bd me a p\u200bi\u200bc",
    "risk_assessment": "r u h0me \u0430l\u043ene",  # Cyrillic a and o
    "payment_demand": "s3nd \uff04200 in g1ft c4rds",  # fullwidth dollar sign
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


@pytest.mark.parametrize("name", sorted(DISGUISED))
def test_disguised_tactic_found_with_both_forms_of_evidence(name: str) -> None:
    text = DISGUISED[name]
    cues = {c.name: c for c in detect_cues(text, "m1")}
    assert name in cues
    assert cues[name].original and cues[name].original in text
    assert cues[name].evidence != cues[name].original


@pytest.mark.parametrize(
    "text",
    [
        'the police said scammers write "send $500 or i post it, u have 10 minutes"',
        "they say “keep it our secret” and “are you home alone”",
    ],
)
def test_quoted_speech_is_not_a_tactic(text: str) -> None:
    assert detect_cues(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "send me a pic of the receipt please",
        "i'll be there in 20 mins",
        "can i know where u live",
        "the match starts in 10 minutes",
        "ur turn to roll the dice",
        "what are u wearing to the school disco",
    ],
)
def test_everyday_lines_are_not_modern_tactics(text: str) -> None:
    found = {c.name for c in detect_cues(text)}
    assert not found & {"image_request", "countdown", "threat_sextortion", "payment_demand"}


def test_asking_what_the_child_is_wearing_now_is_an_image_request() -> None:
    assert "image_request" in {c.name for c in detect_cues("what r u wearing rn")}


@pytest.mark.parametrize(
    "text", ["that sucks lol", "", "the meeting is at 3pm in room 4", "i love this song"]
)
def test_ordinary_chat_has_no_cues(text: str) -> None:
    assert detect_cues(text) == []


# Invented, mild lines that share words with the isolation tactic and the newer secrecy,
# risk-assessment and meeting phrases without being them.
@pytest.mark.parametrize(
    "text",
    [
        "i dont get it, can u explain the homework again",
        "my parents dont get why i like this band lol",
        "they dont understand the rules of cricket",
        "you can always talk to me or ms hale about it",
        "he doesnt deserve the trophy tbh",
        "my mum works late on fridays so i get the bus",
    ],
)
def test_look_alikes_are_not_isolation(text: str) -> None:
    assert "isolation" not in {c.name for c in detect_cues(text)}


@pytest.mark.parametrize(
    "text",
    [
        "send me more pics or i will share the ones you sent with your school",
        "if you dont send more i will post your pics",
        "do what i say or everyone sees your photos",
        "pay me or i leak your nudes",
        "pay me 100 dollars or i send them to your friends",
        "if u dont send it i will show everyone",
        "if you block me ill send them to your mom",
    ],
)
def test_sextortion_threats_are_caught(text: str) -> None:
    assert "threat_sextortion" in {c.name for c in detect_cues(text)}


@pytest.mark.parametrize(
    "text",
    [
        "can you share your pics from the trip",
        "i will send you the pics later",
        "if you dont like it i will send you another one",
        "if you dont come i will tell mom you were late",
        "i will post the photos from the party tomorrow",
    ],
)
def test_ordinary_talk_about_pictures_is_not_a_threat(text: str) -> None:
    assert "threat_sextortion" not in {c.name for c in detect_cues(text)}


def test_patterns_are_written_in_lower_case() -> None:
    """Patterns run case-sensitively on the normalised, lower-case text: a capital letter in
    one (outside an escape such as \\b or a character class) could never match."""
    escapes_and_classes = re.compile(r"\\[A-Za-z]|\(\?[<!=:A-Za-z]+|\[\^?[^\]]*\]")
    for detector in DETECTORS:
        for _, pattern in detector.alternates:
            literal = escapes_and_classes.sub("", pattern.pattern)
            assert not re.findall("[A-Z]", literal), (detector.name, pattern.pattern[:80])
            assert not pattern.flags & re.IGNORECASE
