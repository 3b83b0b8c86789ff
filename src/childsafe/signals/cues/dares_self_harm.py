"""Dares and self-harm coercion as coercion groups use them: loyalty "signs", humiliation
dares, hurting oneself on demand, being told nobody would miss them. Threats to hurt or dox
the child belong to threat_sextortion; plain insults ("kill yourself" in a game) are
toxicity, not this tactic."""

from childsafe.signals.base import CueDetector, Stage

DETECTOR = CueDetector(
    "dares_self_harm",
    1.0,
    triggers=(
        "ask",
        "asks",
        "bleed",
        "blood",
        "burn",
        "care",
        "carve",
        "come",
        "cut",
        "dare",
        "die",
        "end",
        "everything",
        "exactly",
        "family",
        "harm",
        "hurt",
        "initiation",
        "kill",
        "loyalty",
        "miss",
        "notice",
        "prove",
        "say",
        "says",
        "sign",
        "tell",
        "tells",
        "whatever",
        "world",
    ),
    patterns=[
        # hurting oneself on demand: for someone, on camera, as proof, or else
        r"(?:cut|carve|burn|hurt|harm) (?:ur ?self|yourself|{YOUR} (?:arm|wrist|leg|skin|body))"
        r" (?:for (?:us|me|the group)|on (?:cam|camera|vc|stream)|live|and (?:send|show|film)|"
        r"to prove|or )",
        r"carve (?:my|our|the|a) (?:name|sign|initials|number)",
        r"(?:prove|show) (?:{YOUR}|ur) loyalty",
        r"(?:do|send|make) (?:a |{YOUR} |the )?(?:loyalty )?sign (?:for|to|like)",
        r"(?:bleed|blood) (?:for|on) (?:us|me|the group|cam)",
        r"(?:to )?prove (?:{YOURE}|{YOU}\'?re|ur) (?:real|loyal|one of us|worthy)",
        r"{YOU} do what (?:the (?:family|group)|we|i) (?:asks?|says?|tells? {YOU})",
        r"for (?:their|{YOUR}|the|a) sign\b",
        r"no ?(?:one|body) would (?:miss|care about|notice) {YOU}",
        r"(?:the )?world (?:would be|is) better (?:off )?without {YOU}",
        r"{YOU} do (?:exactly |everything |whatever )what (?:the (?:family|group)|we|i) "
        r"(?:say|tell {YOU}|want|asks?)",
        r"(?:do|pass|complete|finish) (?:the |ur |{YOUR} |an? )?initiation",
        r"initiation (?:task|dare|step|challenge)",
    ],
    stage=Stage.EXPLOITATION,
    plain="dared the child to hurt themselves or prove loyalty",
)
