"""Arranging to meet in person."""

from childsafe.signals.base import CueDetector

DETECTOR = CueDetector(
    "meeting",
    0.8,
    triggers=(
        "come",
        "coming",
        "drive",
        "driving",
        "get",
        "hotel",
        "meet",
        "motel",
        "pick",
        "picking",
        "see",
        "sneak",
        "spend",
    ),
    patterns=[
        r"meet (?:up|{YOU}|me|in person|some ?time)",
        r"(?:pick|picking) {YOU} up",
        r"(?:come|coming|drive|driving) (?:over|up|down) (?:to|there|here)",
        r"come (?:over|to) (?:my|{YOUR}) (?:house|place|apartment|apt)",
        r"where (?:can|could|should|do) (?:we|i) meet",
        r"(?:hotel|motel)",
        r"(?:when|where) (?:can|could|will|do) (?:i|we) see {YOU}",
        r"sneak (?:out|away)",
        r"i(?:'?ll| will| can| could) (?:drive|come) (?:to )?(?:{YOU}|there|over)",
        r"spend the night",
    ],
)
