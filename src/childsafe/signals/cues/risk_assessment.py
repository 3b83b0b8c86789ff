"""Risk assessment: is the child alone, who is around, who reads their phone (O'Connell's
risk-assessment stage; Lorenzo-Dus' "compliance testing")."""

from childsafe.signals.base import CueDetector, Stage

DETECTOR = CueDetector(
    "risk_assessment",
    0.6,
    triggers=(
        "alone",
        "anybody",
        "anyone",
        "brother",
        "dad",
        "daddy",
        "door",
        "family",
        "father",
        "folks",
        "mom",
        "mommy",
        "mother",
        "mum",
        "parent",
        "parents",
        "sister",
        "somebody",
        "someone",
        "who",
        "own",
        "yourself",
        "urself",
    ),
    patterns=[
        r"(?:{ARE}|r|is) {YOU} (?:home |all |by ur ?self |by yourself )?alone",
        r"home alone",
        r"alone (?:rn|right now|now|tonight|at home|in {YOUR} room)",
        r"(?:is|are|r) {YOUR} {PARENT} (?:home|there|around|in|out|at work|gone|away|asleep|"
        r"sleeping|awake|up|in bed)",
        r"{YOUR} {PARENT} (?:still )?(?:asleep|sleeping|in bed|out|away|at work)\b",
        r"when (?:do|does|will|r|are) {YOUR} {PARENT} (?:get (?:home|back)|leave|go (?:out|to "
        r"bed|to sleep)|come (?:home|back)|go)",
        r"(?:do|does) {YOUR} {PARENT} (?:check|look at|read|see|go through|watch|monitor) "
        r"{YOUR} (?:phone|messages|msgs|dms|chats?|texts?|apps?|screen|computer|laptop|account)",
        r"who (?:else )?(?:can )?(?:reads?|checks?|sees?|looks at) {YOUR} (?:phone|messages|msgs|"
        r"dms|chats?|texts?)",
        r"(?:is|r) (?:anyone|anybody|someone|somebody) (?:else )?(?:with {YOU}|home|there|around|"
        r"in {YOUR} room)",
        r"(?:is|r) {YOUR} door (?:locked|shut|closed)",
        r"who (?:else )?(?:is|r) (?:home|there|with {YOU})",
        r"(?:can|will) (?:anyone|anybody|{YOUR} {PARENT}) (?:hear|see) {YOU}",
        r"(?:do|does) {YOUR} {PARENT} know\b",
        r"{YOUR} {PARENT} (?:wouldn\'?t|wont|won\'?t|don\'?t|dont|doesn\'?t|doesnt) (?:even "
        r")?(?:notice|know|"
        r"find out|check|care)",
        r"(?:do|does|is|are|r) {YOUR} {PARENT} (?:work|working|out) (?:late|nights|evenings|"
        r"tonight|all day)",
        r"{YOU}(?:'?re|r| are)? (?:home |at home )?(?:on {YOUR} own|by {YOU}rself|by urself) "
        r"(?:after school|at home|tonight|all day|in the house|sometimes|a lot)",
        r"what time (?:do|does|will) {YOUR} {PARENT} (?:get home|get back|leave|go (?:out|to bed)|"
        r"come home)",
    ],
    stage=Stage.RISK_ASSESSMENT,
    plain="checked whether the child is alone or watched by parents",
)
