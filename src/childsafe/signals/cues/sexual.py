"""Sexual content."""

from childsafe.signals.base import CueDetector

DETECTOR = CueDetector(
    "sexual",
    0.9,
    [
        r"sex(?:y|ual|ually)?",
        r"horny",
        r"naked|nude",
        r"cock|dick|penis|pussy|vagina|clit|boobs?|tits?|nipples?",
        r"cum(?:ming)?|orgasm",
        r"masturbat\w*|jerk(?:ing)? off|blow ?jobs?|bj",
        r"make love|making love|have sex",
        r"touch(?:ing)? {YOUR}self|touch(?:ing)? (?:{YOU}|it) there",
        r"suck(?:ing)? (?:on |it|my|{YOUR})",
        r"lick(?:ing)? (?:{YOU}|{YOUR}|my|it)",
        r"finger(?:ing)? {YOU}(?:rself)?",
        r"virgin|condoms?|panties|thong",
    ],
)
