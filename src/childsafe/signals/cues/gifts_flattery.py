"""Gifts, money and flattery that build a special bond."""

from childsafe.signals.base import CueDetector

DETECTOR = CueDetector(
    "gifts_flattery",
    0.4,
    [
        r"{YOURE} (?:so |very |really )?(?:beautiful|gorgeous|sexy|hot|cute|pretty|mature|special)",
        r"mature for {YOUR} age",
        r"i(?:'?ll| will| can| could) (?:buy|get) {YOU}",
        r"(?:buy|bring|get|give) {YOU} (?:a |some )?(?:gift|present|phone|money|cash|clothes|"
        r"shoes|something)",
        r"gift ?cards?",
        r"i love {YOU}",
        r"(?:sweetie|sweetheart|beautiful|gorgeous)",
    ],
)
