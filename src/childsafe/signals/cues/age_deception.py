"""Identity and age deception: an age confessed late, the age gap waved away ("age is just a
number", "you're mature for your age"), or the child told to hide how old the sender is."""

from childsafe.signals.base import CueDetector, Stage

_ADULT_AGE = r"(?:1[89]|[2-6]\d)"

DETECTOR = CueDetector(
    "age_deception",
    0.7,
    triggers=(
        "actually",
        "really",
        "age",
        "ages",
        "older",
        "mature",
        "number",
        "lied",
        "lie",
        "younger",
        "real",
        "truth",
        "honest",
        "girls",
        "boys",
        "kids",
        "care",
        "matter",
        "matters",
        "old",
        "gap",
        "acc",
        "account",
        "hacked",
        "banned",
        "deleted",
        "old",
    ),
    patterns=[
        r"i'?m (?:actually|really|truly) " + _ADULT_AGE,
        r"(?:i'?m|i am) (?:a bit |a little |a lot )?older than (?:i said|{YOU} think|i look|"
        r"my (?:profile|account|pic))",
        r"i (?:lied|wasn'?t honest|fibbed) (?:about|abt) my age",
        r"my real age",
        r"age (?:is|'?s) (?:just|only) (?:a )?(?:number|numbers)",
        r"(?:age|ages|the age gap|the gap|how old (?:i am|{YOU} {ARE})) (?:doesn'?t|dont|don'?t|"
        r"does not|do not|shouldn'?t) matter",
        r"i (?:don'?t|dont|do not) (?:really )?care (?:about|abt) (?:the )?(?:age|ages|age gap)",
        r"{YOURE} (?:so |really |very |way |more )?mature (?:for {YOUR} age|for (?:a |an )?"
        r"(?:\d+|thirteen|fourteen|fifteen|twelve)|than)",
        r"(?:not|nothing) like (?:other )?(?:girls|boys|kids) {YOUR} age",
        r"{YOU} (?:act|seem|look|sound|talk) (?:so |way |much |a lot )?older",
        r"(?:don'?t|dont|do not|never) tell (?:any ?one|anybody|{YOUR} {PARENT}) (?:how old i am|"
        r"my age)",
        r"(?:my )?old (?:one|acc|account) (?:got|was) (?:hacked|banned|deleted)",
    ],
    stage=Stage.RISK_ASSESSMENT,
    plain="lied about or played down their age or the age gap",
)
