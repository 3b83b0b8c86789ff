"""Threats and sextortion: pressure backed by images or exposure."""

from childsafe.signals.base import CueDetector

DETECTOR = CueDetector(
    "threat_sextortion",
    1.0,
    [
        r"or (?:else|i(?:'?ll| will) (?:send|post|show|tell|share|kill|hurt))",
        r"(?:send|post|share|show) (?:{YOUR}|the|these|those) (?:{PIC}|nudes|videos?) to",
        r"every ?(?:one|body) (?:will|is gonna|gonna) see",
        r"i(?:'?ll| will) (?:tell|show|send it to) {YOUR} (?:{PARENT}|friends|school|teacher)",
        r"i know where {YOU} live",
        r"(?:i have|i got|i've got|ive got) {YOUR} (?:{PIC}|nudes|videos?)",
        r"{YOU} (?:better|had better|have to|must) (?:do|send) (?:it|what i say)",
    ],
)
