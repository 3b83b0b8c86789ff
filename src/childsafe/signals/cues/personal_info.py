"""Asking for personal details: age, location, school, whether the child is home alone."""

from childsafe.signals.base import CueDetector

DETECTOR = CueDetector(
    "personal_info",
    0.5,
    [
        r"how old {ARE} {YOU}",
        r"a/?s/?l",
        r"what grade",
        r"what school",
        r"where (?:do|d) {YOU} (?:live|stay|go to school)",
        r"what (?:city|town|state)",
        r"(?:{ARE}|r) {YOU} (?:home )?alone",
        r"home alone",
        r"(?:is|are|r) {YOUR} {PARENT} (?:home|there|around|at work|gone|asleep|sleeping)",
        r"when (?:do|does|will) {YOUR} {PARENT} (?:get home|leave|go|come)",
        r"what(?:'?s| is) {YOUR} (?:address|last name|full name|number|cell)",
        r"who do {YOU} live with",
    ],
)
