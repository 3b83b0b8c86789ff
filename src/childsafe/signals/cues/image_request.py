"""Requests for images or webcam."""

from childsafe.signals.base import CueDetector

DETECTOR = CueDetector(
    "image_request",
    0.7,
    [
        r"(?:send|show|post|share|email|snap|take) (?:me )?(?:a |an |some |more |another |"
        r"{YOUR} |the )?(?:{PIC}|nudes?|vids?|videos?)",
        r"(?:do|d) {YOU} (?:have|got) (?:a |any )?(?:web ?cam|cam|{PIC})",
        r"(?:turn on|get on|go on|use) (?:{YOUR} |the |a )?(?:web ?)?cam",
        r"(?:on|via) (?:web ?)?cam",
        r"(?:can|could|may) i (?:see|get) (?:a )?(?:{PIC}|{YOU}|{YOUR})",
        r"(?:{PIC}) of {YOU}(?:rself)?",
        r"in {YOUR} (?:bra|panties|underwear|bikini|undies)",
    ],
)
