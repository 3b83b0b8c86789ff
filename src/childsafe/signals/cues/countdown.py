"""Countdowns and deadlines that put a clock on a demand ("you have 15 minutes", "tick tock")."""

from childsafe.signals.base import CueDetector, Stage

_UNIT = r"(?:min|mins|minutes?|hours?|hrs?|seconds?|secs?)"

DETECTOR = CueDetector(
    "countdown",
    0.8,
    triggers=(
        "chance",
        "clock",
        "closes",
        "countdown",
        "day",
        "ends",
        "expires",
        "hour",
        "hours",
        "hr",
        "hrs",
        "midnight",
        "min",
        "mins",
        "minute",
        "minutes",
        "miss",
        "sec",
        "second",
        "seconds",
        "secs",
        "tick",
        "ticking",
        "time",
        "times",
        "tock",
        "tomorrow",
        "tonight",
        "warning",
        "countdown",
    ),
    patterns=[
        r"{YOU} (?:have|got|'?ve got|have got|only have|have only) (?:\d+|a few|one|two|five|"
        r"ten|fifteen|thirty) " + _UNIT,
        r"\d+ " + _UNIT + r" (?:left|to (?:pay|send|decide|answer|reply))",
        r"tick ?tock",
        r"(?:the )?clock(?:'?s| is) ticking",
        r"times? (?:is )?(?:up|running out)",
        r"(?:last|final) (?:chance|warning)",
        r"(?:by|before|until|till|til) (?:midnight|tonight|tomorrow morning|the end of the day)"
        r"(?: or| otherwise)",
        r"countdown (?:is on|starts|started)",
        # a bare countdown message: "20 mins", "45 min ava", "10 minutes left"
        r"^\d+ ?(?:mins?|minutes|hours?|hrs?)(?: left)?(?! (?:late|away|ago|later|early|walk|"
        r"drive|away))(?: [a-z]+)?$",
        r"(?:don\'?t|dont|do not) miss {YOUR} chance",
        r"(?:closes|ends|expires) (?:at|in|tonight)",
        r"(?:^|(?<=[.!?] ))\d+ ?(?:mins?|minutes|hours?|hrs?)(?: left)?(?: [a-z]+)?$",
        r"countdown \d+|\d+ ?(?:mins?|minutes|hours?|hrs?) countdown",
    ],
    stage=Stage.EXPLOITATION,
    plain="set a deadline or countdown",
)
