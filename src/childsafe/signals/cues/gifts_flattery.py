"""Gifts, money and flattery that build a special bond."""

from childsafe.signals.base import CueDetector

DETECTOR = CueDetector(
    "gifts_flattery",
    0.4,
    triggers=(
        "beautiful",
        "bring",
        "buy",
        "cute",
        "get",
        "gift",
        "giftcard",
        "giftcards",
        "give",
        "gorgeous",
        "hot",
        "love",
        "mature",
        "pretty",
        "sexy",
        "special",
        "sweetheart",
        "sweetie",
    ),
    patterns=[
        r"{YOURE} (?:so |very |really )?(?:beautiful|gorgeous|sexy|hot|cute|mature|special)",
        r"{YOURE} (?:so |very |really )?pretty(?! [a-z])",
        r"mature for {YOUR} age",
        r"i(?:'?ll| will| can| could) (?:buy|get) {YOU}",
        r"(?:buy|bring|get|give) {YOU} (?:a |some )?(?:gift|present|phone|money|cash|clothes|"
        r"shoes|something)",
        r"(?:buy|get|give|send) {YOU} (?:a )?gift ?cards?",
        r"i love {YOU}",
        r"sweetie|sweetheart",
        r"(?:hey|hi|hello|morning|night|bye|thanks|thank you) (?:beautiful|gorgeous|sexy)",
    ],
)
