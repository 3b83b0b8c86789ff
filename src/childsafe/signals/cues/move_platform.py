"""Moving the chat elsewhere or onto voice and camera: phone numbers, texting, other apps,
voice or video calls."""

from childsafe.signals.base import CueDetector, Stage

_APPS = (
    r"(?:face ?book|fb|snap(?:chat)?|sc|whats ?app|wa|kik|skype|insta(?:gram)?|ig|yahoo|aim|msn|"
    r"telegram|tele|tg|discord|disc|signal|messenger|myspace|wickr|threema|"
    r"wechat|viber|tiktok|twitter|the ghost app|private server|dms?)"
)

DETECTOR = CueDetector(
    "move_platform",
    0.6,
    triggers=(
        "#",
        "<digits>",
        "add",
        "aim",
        "app",
        "book",
        "call",
        "cell",
        "chat",
        "come",
        "digits",
        "disc",
        "discord",
        "dm",
        "dms",
        "download",
        "face",
        "facebook",
        "facetime",
        "fb",
        "ghost",
        "gimme",
        "hop",
        "ig",
        "insta",
        "instagram",
        "instead",
        "join",
        "jump",
        "kik",
        "messenger",
        "move",
        "msn",
        "myspace",
        "number",
        "phone",
        "private",
        "ring",
        "sc",
        "server",
        "signal",
        "skype",
        "snap",
        "snapchat",
        "switch",
        "talk",
        "tele",
        "telegram",
        "text",
        "tg",
        "threema",
        "tiktok",
        "txt",
        "vc",
        "viber",
        "video",
        "voice",
        "wa",
        "wechat",
        "whats",
        "whatsapp",
        "wickr",
        "yahoo",
    ),
    patterns=[
        r"(?:text|txt|call|phone|ring|facetime|vc|video ?call|voice ?call) me",
        r"(?:give|send|get|gimme) me {YOUR} (?:number|cell|#|phone|digits|snap|insta|discord|"
        r"handle|user ?name|@)",
        r"(?:what(?:'?s| is)|wats|whats) {YOUR} (?:number|cell|#|phone|snap|insta|discord|"
        r"telegram|whatsapp|handle|user ?name)",
        r"{YOUR} (?:cell|phone) (?:number|#)",
        r"my (?:cell|phone)? ?(?:number|#) (?:is)?",
        r"(?:add|message|msg|hit|dm|find|follow|text) me (?:up )?on " + _APPS,
        r"(?:do|d) {YOU} (?:have|got|use) (?:a |an )?(?:cell|phone|" + _APPS + ")",
        r"(?:on|use|get|download|go on|move to|switch to|come on|talk on|chat on) "
        + _APPS
        + r" (?:instead|rn|now|so|its|it's|because|bc|cuz|cause)",
        r"(?:download|get|install) " + _APPS + r"\b",
        r"(?:move|switch|talk|chat|go) (?:to|on|over to) " + _APPS + r"\b",
        r"(?:got|have|on|u on|r u on|are you on) (?:snap(?:chat)?|discord|telegram|whatsapp|"
        r"insta(?:gram)?|kik)\b",
        r"(?:can|could|should|wanna|want to|shall) we (?:vc|voice ?chat|video ?chat|facetime|"
        r"call|video ?call|talk on (?:the )?phone)",
        r"(?:jump|hop|get) (?:in|on) (?:a )?(?:vc|voice|call|video call)",
        r"\(?\d{{3}}\)?[-. ]\d{{3}}[-. ]\d{{4}}",
        r"0\d{{4}} ?\d{{6}}",
        r"(?:join|come to|come in|hop in|hop on|jump in) (?:my |our |a |the )?(?:private )?(?:vc|"
        r"voice ?chat|call|server|world|group ?chat|discord|room)\b",
        r"private (?:world|server|vc|chat|group|room|instance)",
        r"on (?:a )?(?:video|voice|facetime) call",
        r"{YOU} (?:have|got|on) (?:snap(?:chat)?|sc|discord|telegram|whatsapp|insta(?:gram)?|"
        r"kik)\b",
        r"we (?:can|could|should) (?:vc|voice ?chat|video ?chat|facetime|call)\b",
        r"(?:wanna|want to|shall we|can we|let'?s) (?:vc|video ?call|video ?chat|facetime|"
        r"voice ?call|voice ?chat)\b",
    ],
    stage=Stage.ISOLATION,
    plain="asked to move to another app, a phone number, or a voice/video call",
)
