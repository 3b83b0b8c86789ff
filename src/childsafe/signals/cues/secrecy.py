"""Isolation and secrecy: keep it between us, don't tell your parents, delete the chat, use
vanishing messages, make sure nobody hears."""

from childsafe.signals.base import CueDetector, Stage

DETECTOR = CueDetector(
    "secrecy",
    0.8,
    triggers=(
        "ban",
        "between",
        "block",
        "catch",
        "confidential",
        "catches",
        "clear",
        "comes",
        "delete",
        "disappearing",
        "disturbs",
        "down",
        "erase",
        "filter",
        "find",
        "finds",
        "flag",
        "found",
        "ghost",
        "headphones",
        "hear",
        "hears",
        "hide",
        "interrupts",
        "keep",
        "knew",
        "know",
        "knows",
        "let",
        "lowkey",
        "mention",
        "notice",
        "ours",
        "private",
        "quiet",
        "saw",
        "say",
        "secret",
        "see",
        "sees",
        "show",
        "tell",
        "telling",
        "trouble",
        "vanish",
        "walks",
        "wipe",
    ),
    patterns=[
        r"(?:don'?t|dont|do not|never|dnt|no) (?:tell|telling|say|mention|show) "
        r"(?:(?:it|this|that|anything|us|me) (?:to )?)?(?:any ?one|"
        r"anybody|nobody|no ?one|{YOUR} {PARENT}|{YOUR} friends|this|about (?:me|us|this)|"
        r"ur (?:mates|friends|brother|sister)|{YOUR} (?:mates|teacher|coach))",
        r"(?:don'?t|dont|do not|never|best not to) (?:mention|say) (?:it|this|that|anything) to "
        r"(?:the |{YOUR} )?others?\b(?: (?:lads|kids|girls|boys|players|guys|members|students))?",
        r"no need to (?:tell|mention) (?:{YOUR} {PARENT}|her|him|them|any ?one|anybody)",
        r"our (?:little )?secret",
        r"(?:it'?s|its|it is|this is|be|keep this|keep it) (?:a |our |just our )?secret",
        r"keep (?:it|this|that|us|me|our \w+) (?:a )?(?:secret|quiet|between us|private|"
        r"on the down ?low|lowkey|hidden|to ur ?self|to yourself|confidential)",
        r"between (?:you and me|{YOU} and me|me and {YOU}|us two|just us|us)\b",
        r"(?:this|it) stays between us",
        r"(?:delete|erase|clear|wipe) (?:the|this|these|our|all|{YOUR}|those|my) (?:chats?|"
        r"messages?|msgs?|dms?|convos?|conversations?|texts?|history|{PIC}|snaps?)",
        r"(?:delete|erase|clear) (?:it|this|them) (?:after|when|once|before)",
        r"no ?one (?:can|has to|needs to|must|should|will) (?:know|find out|hear)",
        r"so no ?one (?:hears|sees|knows)",
        r"(?:don'?t|dont|do not) let (?:{YOUR} {PARENT}|any ?one|anybody|them) (?:see|know|find"
        r"|hear)",
        r"(?:if|when) {YOUR} {PARENT} (?:finds? out|sees?|catch(?:es)?)",
        r"(?:this|it) (?:is|'?s) (?:just )?(?:ours|our thing|between us)",
        r"vanish(?:ing)? mode|disappearing messages|ghost mode",
        r"use headphones",
        r"(?:hide|hidden) (?:it|this|the app|our chat) from",
        r"(?:she|he|they|{YOUR} {PARENT}|no ?one|nobody) (?:doesn\'?t|doesnt|don\'?t|dont|do not|"
        r"does not) (?:need|have) to know",
        r"what (?:she|he|they) (?:doesn\'?t|doesnt|don\'?t|dont) know",
        r"(?:don\'?t|dont|do not) tell (?:the |other |any )?(?:other )?(?:mods|others|people|"
        r"teachers?|staff|admins?)",
        r"so {YOUR} {PARENT} (?:don\'?t|dont|can\'?t|cant|won\'?t|wont|doesn\'?t|doesnt) (?:hear|"
        r"see|know|find out|notice)",
        r"(?:don\'?t|dont|do not|never) (?:tell|mention) (?:them|her|him) (?:about|that) (?:me|us|"
        r"this|we)",
        r"so no ?one (?:interrupts|walks in|comes in|disturbs)",
        r"so (?:the )?(?:filter|mods?|moderators?|admins?|roblox|discord|the (?:app|game|chat)|it) "
        r"(?:doesn'?t|dont|won'?t|wont|can'?t|cant) (?:block|flag|see|catch|filter|ban)",
        r"tell (?:her|him|them|{YOUR} {PARENT}) {YOURE} (?:going to|at|staying at|sleeping at|with|"
        r"round|over at)",
        r"if (?:she|he|they|{YOUR} {PARENT}|my \w+) (?:saw|sees|knew|found out|finds out) (?:me|"
        r"us|we|i) "
        r"(?:talking|talk|chatting|texting)",
    ],
    stage=Stage.ISOLATION,
    plain="asked the child to keep a secret or hide the chat",
)
