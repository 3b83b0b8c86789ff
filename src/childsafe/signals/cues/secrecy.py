"""Requests for secrecy: keep it between us, don't tell your parents, delete the chat."""

from childsafe.signals.base import CueDetector

DETECTOR = CueDetector(
    "secrecy",
    0.8,
    [
        r"(?:don'?t|dont|do not|never|dnt) (?:tell|say|mention|show) (?:any ?one|anybody|nobody|"
        r"no ?one|{YOUR} {PARENT}|{YOUR} friends|this|about (?:me|us|this))",
        r"(?:our|a|this) (?:little )?secret",
        r"keep (?:it|this|that|us|me) (?:a )?(?:secret|quiet|between us|private|on the down ?low)",
        r"between (?:you and me|{YOU} and me|me and {YOU}|us two|just us)",
        r"(?:delete|erase|clear) (?:the|this|these|our|all|{YOUR}) (?:chats?|messages?|msgs?|"
        r"convos?|conversations?|texts?|history|{PIC})",
        r"no ?one (?:can|has to|needs to|must|should|will) (?:know|find out)",
        r"(?:don'?t|dont|do not) let (?:{YOUR} {PARENT}|any ?one|anybody) (?:see|know|find)",
        r"(?:if|when) {YOUR} {PARENT} (?:finds? out|sees?|catch(?:es)?)",
        r"(?:get|be) in trouble",
    ],
)
