"""Threats and coercion: exposure of images or chats, doxxing or swatting, "you owe me",
"ruin your life" pressure backed by what the sender holds."""

from childsafe.signals.base import CueDetector, Stage

DETECTOR = CueDetector(
    "threat_sextortion",
    1.0,
    triggers=(
        "address",
        "better",
        "block",
        "caption",
        "chats",
        "cops",
        "destroy",
        "dox",
        "doxx",
        "else",
        "every",
        "everybody",
        "everyone",
        "everything",
        "expose",
        "followers",
        "goes",
        "house",
        "hurt",
        "insta",
        "kill",
        "leak",
        "life",
        "list",
        "live",
        "must",
        "nudes",
        "owe",
        "pay",
        "photo",
        "photos",
        "pic",
        "pics",
        "picture",
        "pictures",
        "pik",
        "pikz",
        "pix",
        "police",
        "post",
        "put",
        "recorded",
        "recordings",
        "regret",
        "report",
        "ruin",
        "saved",
        "school",
        "screenshot",
        "screenshots",
        "screenshotted",
        "see",
        "selfie",
        "selfies",
        "send",
        "sent",
        "share",
        "show",
        "street",
        "swat",
        "tag",
        "tell",
        "upload",
        "video",
        "videos",
    ),
    patterns=[
        r"or (?:else )?i(?:'?ll| will| am gonna| gonna) (?:send|post|show|share|tag|leak|expose|"
        r"upload) (?:them|it|{YOUR} {PIC}|the {PIC}|every ?(?:one|body)|{YOUR} {PARENT}|"
        r"{YOUR} friends|{YOUR} followers|{YOUR} school|all|to)",
        r"(?:send|post|share|show|leak) (?:it |them )?(?:{YOUR}|the|these|those|it|them) "
        r"(?:{PIC}|nudes|videos?)?\s?to (?:every ?(?:one|body)|all (?:of )?(?:them|{YOUR})|"
        r"{YOUR} (?:{PARENT}|friends|school|followers|team|class|church|group)|the internet|"
        r"online)",
        r"every ?(?:one|body) (?:will|is gonna|gonna) see (?:it|them|{YOUR} {PIC}|the {PIC})",
        r"i(?:'?ll| will) (?:tell|show|send it to) {YOUR} (?:{PARENT}|friends|school|teacher)",
        r"(?:better|had better|must) do what i say",
        r"(?:leak|expose|post|upload|spread) (?:all )?{YOUR} (?:{PIC}|nudes|videos?|chats?)",
        r"i(?:'?ll| will| am gonna| gonna) (?:share|send|show|post|leak) (?:all )?(?:{YOUR} "
        r"(?:{PIC}|nudes|videos?)|our chats|the chats|it everywhere)",
        r"or (?:else )?i(?:'?ll| will| am gonna| gonna) (?:share|post|leak|show|send) "
        r"(?:the ones|what (?:you|u) sent|everything)",
        r"every ?(?:one|body) (?:will )?(?:sees?|gets?) {YOUR} (?:{PIC}|nudes|videos?)",
        r"if (?:you|u) (?:don'?t|dont|do not|stop|won'?t|wont|block me|tell)\b[^.?!]{{0,40}}\b"
        r"i(?:'?ll| will| am gonna| gonna) (?:post|share|send|show|leak|expose|upload|tell) "
        r"(?:it|them|{YOUR}|every ?(?:one|body)|the|those|these|all)\b",
        r"(?:pay|send) me (?:\$?\d+|money|cash|gift ?cards?)\b[^.?!]{{0,30}}\bor (?:else )?i",
        r"ruin {YOUR} life",
        r"or (?:else )?i (?:post|send|share|leak|show|tag|expose|upload) (?:it|them|{YOUR}|the|"
        r"every ?(?:one|body)|to)\b",
        r"i(?:'ve)? (?:saved|screenshotted|screenshot|recorded) (?:{YOUR}|the|all|every) ?"
        r"(?:{PIC}|nudes|videos?|chats?|thing|everything)",
        r"i (?:have|got) (?:all )?{YOUR} (?:nudes|videos|chats)",
        r"(?:i|we)(?:'?ll| will| gonna| can)? (?:swat|dox+) {YOU}",
        r"(?:thats|that'?s|this is) {YOUR} (?:followers|friends list|school|family)",
        r"(?:writing|write) the caption",
        r"{YOU} (?:owe|still owe) me\b(?! (?:one|a favou?r|a drink|lunch|a beer))",
        r"or (?:else )?(?:i|we)(?:\'?ll| will| gonna)? (?:post|send|share|leak|expose|show|upload|"
        r"tag) (?:it|them|every|ur|{YOUR}|the|this|to|in)\b",
        r"(?:and|then) (?:i|we)(?:\'?ll| will| gonna)? (?:post|leak|expose) (?:it|them|"
        r"every\w*|{YOUR})\b",
        r"if (?:you|u) (?:don\'?t|dont|do not|won\'?t|wont) (?:pay|send)\b",
        r"(?:every ?(?:one|body)|{YOUR} (?:{PARENT}|friends|school|mum|mom)) (?:saw|sees|seeing|"
        r"see|knew|finds out) what {YOU} sent",
        r"(?:i\'?ve|i have|i) got (?:screenshots|recordings|pics|videos?) of {YOU}",
        r"screenshots? of {YOU}",
        r"i\'?(?:ll| will) put (?:them|it|those|these) (?:in|on) (?:the|{YOUR}|every)",
        r"send (?:the )?(?:cops|police|swat) to {YOUR}",
        # Said as a statement, not asked ("can i know where u live" asks for details).
        r"(?:^|(?<=[.!?,] )|(?<=and )|(?<=but ))(?:we|i) (?:already )?(?:know|found|have|got) "
        r"(?:where {YOU} live|"
        r"{YOUR} (?:address|street|house|school|insta))",
        r"(?:all|they|family|every ?(?:one|body)|{YOUR} \w+) (?:will|is gonna|gonna|are gonna) see "
        r"(?:the |{YOUR} )?{PIC}",
        r"{YOUR} (?:followers?|followerz|following|friends?) list",
        r"{YOUR} (?:{PIC}|nudes|videos?) (?:goes|is going|will go|gets|get) (?:out|online|public|"
        r"posted|"
        r"everywhere|to)",
        r"{YOU} want {YOUR} {PARENT} to see (?:them|it|this|that)",
        r"(?:report|block)(?: me)? and (?:i|we)(?:\'?ll| will)? (?:post|send|share|leak)",
    ],
    stage=Stage.EXPLOITATION,
    plain="threatened to expose or harm the child",
)
