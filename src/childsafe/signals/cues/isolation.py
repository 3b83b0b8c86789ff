"""Isolation: turning a child against the people around them and making the sender the only
one who understands ("your parents don't get you", "they don't deserve you", "nobody knows
you like I do") — Lorenzo-Dus et al.'s mental isolation, which precedes secrecy and access.
Plain support ("you can talk to me") is left out: teachers and parents say it too."""

from childsafe.signals.base import CueDetector, Stage

_NEGATED = (
    r"(?:don'?t|dont|doesn'?t|doesnt|do not|does not|never|will never|wouldn'?t|wouldnt|"
    r"won'?t|wont|would never|can'?t|cant)"
)
_THEY = r"(?:she|he|they|{YOUR} {PARENT}|{YOUR} (?:friends|mates|teachers?)|parents|adults)"

DETECTOR = CueDetector(
    "isolation",
    0.6,
    triggers=(
        "appreciate",
        "better",
        "cares",
        "deserve",
        "deserves",
        "get",
        "gets",
        "knows",
        "only",
        "understand",
        "understands",
    ),
    patterns=[
        rf"{_THEY} {_NEGATED} (?:really |even |ever )?(?:get|understand|appreciate|deserve) "
        r"{YOU}\b",
        rf"{_THEY} {_NEGATED} (?:really |even |ever )?understand (?:us|what we have|our \w+|"
        r"what {YOU} need)",
        r"(?:parents|adults|grown ?ups) never (?:get|understand) (?:it|anything|{YOU})",
        r"(?:no ?one|nobody) (?:gets|understands|knows|cares about) {YOU} (?:like|the way|as much "
        r"as) (?:i do|me)",
        r"i (?:know|get|understand) {YOU} better than (?:any ?one|anybody|they do|{YOUR} "
        r"{PARENT}|{YOUR} friends|{YOUR} mates)",
        r"i(?:'?m| am) the only (?:one|person) (?:who|that) (?:really )?(?:gets|understands|cares "
        r"about|knows) {YOU}",
    ],
    stage=Stage.ISOLATION,
    plain="turned the child against family or friends, as the only one who understands them",
)
