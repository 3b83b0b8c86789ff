"""Requests for secrecy: keep it between us, don't tell your parents, delete the chat."""

from childsafe.signals.base import CueDetector

DETECTOR = CueDetector(
    "secrecy",
    0.8,
    triggers=(
        "between",
        "catch",
        "catches",
        "clear",
        "delete",
        "erase",
        "find",
        "finds",
        "keep",
        "know",
        "let",
        "mention",
        "say",
        "secret",
        "see",
        "sees",
        "show",
        "tell",
        "trouble",
    ),
    patterns=[
        r"(?:don'?t|dont|do not|never|dnt) (?:tell|say|mention|show) (?:any ?one|anybody|nobody|"
        r"no ?one|{YOUR} {PARENT}|{YOUR} friends|this|about (?:me|us|this))",
        r"our (?:little )?secret",
        r"(?:it'?s|its|it is|this is|be) (?:a |our )?secret",
        r"keep (?:it|this|that|us|me) (?:a )?(?:secret|quiet|between us|private|on the down ?low)",
        r"between (?:you and me|{YOU} and me|me and {YOU}|us two|just us)",
        r"(?:delete|erase|clear) (?:the|this|these|our|all|{YOUR}) (?:chats?|messages?|msgs?|"
        r"convos?|conversations?|texts?|history|{PIC})",
        r"no ?one (?:can|has to|needs to|must|should|will) (?:know|find out)",
        r"(?:don'?t|dont|do not) let (?:{YOUR} {PARENT}|any ?one|anybody) (?:see|know|find)",
        r"(?:if|when) {YOUR} {PARENT} (?:finds? out|sees?|catch(?:es)?)",
    ],
)
