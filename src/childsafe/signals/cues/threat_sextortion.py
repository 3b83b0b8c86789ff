"""Threats and sextortion: pressure backed by images or exposure."""

from childsafe.signals.base import CueDetector

DETECTOR = CueDetector(
    "threat_sextortion",
    1.0,
    triggers=(
        "do",
        "else",
        "hurt",
        "kill",
        "live",
        "nudes",
        "photo",
        "photos",
        "pic",
        "pics",
        "picture",
        "pictures",
        "pik",
        "pikz",
        "pix",
        "post",
        "see",
        "selfie",
        "selfies",
        "send",
        "share",
        "show",
        "tell",
        "video",
        "videos",
    ),
    patterns=[
        r"or (?:else )?i(?:'?ll| will| am gonna| gonna) (?:send|post|show|share) (?:them|it|{YOUR} "
        r"{PIC}|the {PIC}|every ?(?:one|body)|{YOUR} {PARENT}|{YOUR} friends)",
        r"(?:send|post|share|show) (?:{YOUR}|the|these|those) (?:{PIC}|nudes|videos?) to "
        r"(?:every ?(?:one|body)|{YOUR} (?:{PARENT}|friends|school)|the internet|online)",
        r"every ?(?:one|body) (?:will|is gonna|gonna) see (?:it|them|{YOUR} {PIC}|the {PIC})",
        r"i(?:'?ll| will) (?:tell|show|send it to) {YOUR} (?:{PARENT}|friends|school|teacher)",
        r"(?:better|had better|must) do what i say",
    ],
)
