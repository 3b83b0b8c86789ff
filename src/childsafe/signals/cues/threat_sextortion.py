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
        "leak",
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
        "pay",
        "post",
        "see",
        "selfie",
        "selfies",
        "send",
        "share",
        "sees",
        "show",
        "tell",
        "upload",
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
        # Exposure of the child's own images is a threat whatever the sentence around it.
        r"(?:leak|expose|post|upload|spread) (?:all )?{YOUR} (?:{PIC}|nudes|videos?)",
        r"i(?:'?ll| will| am gonna| gonna) (?:share|send|show) (?:all )?{YOUR} "
        r"(?:{PIC}|nudes|videos?)",
        r"or (?:else )?i(?:'?ll| will| am gonna| gonna) (?:share|post|leak|show|send) "
        r"(?:the ones|what (?:you|u) sent|everything)",
        r"every ?(?:one|body) (?:will )?(?:sees?|gets?) {YOUR} (?:{PIC}|nudes|videos?)",
        # Conditional pressure: "if you don't ..., I'll post/tell/...", "pay me or I ...".
        r"if (?:you|u) (?:don'?t|dont|do not|stop|won'?t|wont|block me)\b[^.?!]{{0,40}}\b"
        r"i(?:'?ll| will| am gonna| gonna) (?:post|share|send|show|leak|expose|upload) "
        r"(?:it|them|{YOUR}|every ?(?:one|body)|the|those|these|all)\b",
        r"(?:pay|send) me (?:\$?\d+|money|cash|gift ?cards?)\b[^.?!]{{0,30}}\bor (?:else )?i",
    ],
)
