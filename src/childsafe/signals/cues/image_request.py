"""Requests for images or webcam."""

from childsafe.signals.base import CueDetector

DETECTOR = CueDetector(
    "image_request",
    0.7,
    triggers=(
        "bikini",
        "bra",
        "cam",
        "get",
        "nude",
        "nudes",
        "panties",
        "photo",
        "photos",
        "pic",
        "pics",
        "picture",
        "pictures",
        "pik",
        "pikz",
        "pix",
        "see",
        "selfie",
        "selfies",
        "underwear",
        "undies",
        "vid",
        "video",
        "videos",
        "vids",
        "web",
        "webcam",
    ),
    patterns=[
        r"(?:send|show|post|share|email|snap) (?:me )?(?:a |an |some |more |another |"
        r"{YOUR} |the )?(?:{PIC}|nudes?|vids?|videos?)",
        r"(?:do|d) {YOU} (?:have|got) (?:a |any )?(?:web ?cam|cam|{PIC})",
        r"(?:turn on|get on|go on|use) (?:{YOUR} |the |a )?(?:web ?)?cam",
        r"(?:on|via) (?:web ?)?cam",
        r"(?:can|could|may) i (?:see|get) (?:a )?(?:{PIC}|{YOU}|{YOUR})",
        r"(?:{PIC}) of {YOU}(?:rself)?",
        r"take (?:a |some |more )?{PIC} (?:of|for) (?:{YOU}(?:rself)?|me)",
    ],
)
