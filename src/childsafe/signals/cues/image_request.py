"""Requests for images, video or a camera switched on, including "trading" pictures."""

from childsafe.signals.base import CueDetector, Stage

DETECTOR = CueDetector(
    "image_request",
    0.7,
    triggers=(
        "bikini",
        "bra",
        "cam",
        "camera",
        "clip",
        "clips",
        "film",
        "holding",
        "lights",
        "nude",
        "nudes",
        "ones",
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
        "record",
        "see",
        "selfie",
        "selfies",
        "send",
        "shot",
        "shots",
        "show",
        "snap",
        "snaps",
        "something",
        "swap",
        "took",
        "trade",
        "turn",
        "underwear",
        "undies",
        "vid",
        "video",
        "videos",
        "vids",
        "wearing",
        "web",
        "webcam",
        "outfit",
        "fit",
        "mirror",
        "private",
        "special",
        "personal",
        "film",
        "record",
        "camera",
        "cam",
        "webcam",
        "shots",
    ),
    patterns=[
        r"(?:send|show|post|share|email|snap|trade|swap) (?:me )?(?:a |an |some |more |"
        r"another |{YOUR} |the |me one |one )?(?:{PIC}|nudes?|vids?|videos?|snaps?|clips?)"
        # a picture of a thing (the receipt, the dog) is not a picture of the child
        r"(?! of (?:the|a|an|this|that|it|my|his|her|their|our|them|him)\b)",
        r"(?:do|d) {YOU} (?:have|got) (?:a |any )?(?:web ?cam|cam|camera|{PIC})",
        r"(?:turn|put|switch|get|go) (?:on )?(?:{YOUR} |the |a )?(?:web ?)?(?:cam|camera)"
        r"(?: on)?",
        r"(?:on|via) (?:web ?)?cam",
        r"(?:can|could|may) i see (?:a )?(?:{PIC}|{YOUR})",
        r"(?:can|could|may) i (?:get|have) (?:a )?{PIC}",
        r"(?:{PIC}) of {YOU}(?:rself)?",
        r"take (?:a |some |more )?{PIC} (?:of|for) (?:{YOU}(?:rself)?|me)",
        r"(?:send|show) (?:me )?(?:something|smth|sth) (?:cute|special|spicy|more|else|better)",
        r"(?:trade|swap|exchange) (?:{PIC}|snaps?|nudes)",
        r"(?:send|show) (?:me )?(?:what|wat) {YOURE} wearing",
        # what to wear to the disco or a wedding is planning an outfit, not a picture
        r"what {ARE} {YOU} wearing(?! (?:to|for) (?:the |a |my |{YOUR} |tonights? )?(?:school "
        r")?(?:disco|party|prom|dance|wedding|formal|ball|concert|gig|church|interview|funeral|"
        r"graduation|match|game)\b)",
        r"(?:show|let) me (?:see )?(?:more|everything|{YOUR} (?:body|outfit|room))",
        r"(?:film|record) (?:ur ?self|yourself)\b",
        r"(?:send|show|share) (?:me )?(?:some |a few |more |a |an )?(?!(?:me|a|an|the|some|more|"
        r"of|few) )[a-z]{{3,}} (?:{PIC}|shots|ones)\b"
        r"(?! of (?:the|a|an|this|that|it|my|his|her|their|our|them|him)\b)",
        r"(?:would|do|wanna) {YOU} (?:wanna|want to|like to)? ?see (?:a |my )?(?:{PIC}|private "
        r"one)",
        r"(?:{PIC}|shots?) of {YOUR} (?:face|body|room|legs|outfit)",
        r"holding a (?:paper|sign|note|card)",
        r"(?:on|in front of the) camera",
        r"(?:take|took|get) (?:those|these|the|some) [a-z-]+ (?:ones|shots)",
        r"(?:send|show) (?:me )?(?:something|smth|sth|one) (?:a (?:bit|little) |bit |little "
        r")?(?:more )?"
        r"(?:private|spicy|special|sexy|naughty|personal)",
        r"(?:outfit|fit|mirror) (?:check|pic|selfie)",
        r"(?:private|special|personal) (?:video|vid|pic|photo|snap)s? of {YOU}",
        r"(?:film|record) (?:it|ur ?self|yourself) in {YOUR} (?:room|bedroom|bathroom|bed)",
        r"(?:photo|pic|snap) for (?:photo|pic|snap)",
        r"(?:cam|camera|webcam) on\b",
        r"(?:{PIC}|shots) (?:in|of {YOU} in) (?:ur |{YOUR} |a )?(?:swimwear|swimsuit|bikini|"
        r"underwear|"
        r"lingerie|bra|pyjamas|pajamas)",
    ],
    stage=Stage.SEXUALISATION,
    plain="asked for pictures, video or a camera switched on",
)
