"""Moving the chat elsewhere: phone numbers, texting, other apps."""

from childsafe.signals.base import CueDetector

_APPS = (
    r"(?:face ?book|fb|snap(?:chat)?|whats ?app|kik|skype|insta(?:gram)?|yahoo|aim|msn|"
    r"telegram|discord|signal|messenger|myspace)"
)

DETECTOR = CueDetector(
    "move_platform",
    0.6,
    triggers=(
        "#",
        "<digits>",
        "aim",
        "app",
        "book",
        "call",
        "cell",
        "digits",
        "discord",
        "face",
        "facebook",
        "fb",
        "gimme",
        "insta",
        "instagram",
        "kik",
        "messenger",
        "msn",
        "myspace",
        "number",
        "phone",
        "ring",
        "signal",
        "skype",
        "snap",
        "snapchat",
        "telegram",
        "text",
        "txt",
        "whats",
        "whatsapp",
        "yahoo",
    ),
    patterns=[
        r"(?:text|txt|call|phone|ring) me",
        r"(?:give|send|get|gimme) me {YOUR} (?:number|cell|#|phone|digits)",
        r"(?:what(?:'?s| is)|wats) {YOUR} (?:number|cell|#|phone)",
        r"{YOUR} (?:cell|phone) (?:number|#)",
        r"my (?:cell|phone)? ?(?:number|#) (?:is)?",
        r"(?:add|message|msg|hit) me (?:up )?on " + _APPS,
        r"(?:do|d) {YOU} (?:have|got) (?:a |an )?(?:cell|phone|" + _APPS + ")",
        r"(?:on|use) " + _APPS + r" instead",
        r"\(?\d{{3}}\)?[-. ]\d{{3}}[-. ]\d{{4}}",
    ],
)
