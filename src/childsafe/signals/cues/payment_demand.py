"""Payment demands: money, gift cards, payment apps or crypto demanded from the recipient
(the core of financial sextortion), as opposed to talk about prices."""

from childsafe.signals.base import CueDetector, Stage

_PAY = (
    r"(?:cash ?app|venmo|zelle|pay ?pal|apple pay|google pay|bitcoin|btc|crypto|usdt|eth|"
    r"gift ?cards?|steam cards?|apple cards?|google play cards?|amazon cards?|itunes cards?|"
    r"the code|money|cash|dollars|bucks|pounds|quid|\$ ?\d+|£ ?\d+|€ ?\d+|\d+ ?(?:dollars|"
    r"bucks|pounds|quid|usd|gbp|euros?))"
)

DETECTOR = CueDetector(
    "payment_demand",
    0.9,
    triggers=(
        "<money>",
        "bitcoin",
        "btc",
        "bucks",
        "buy",
        "card",
        "cards",
        "cash",
        "code",
        "crypto",
        "dollars",
        "eth",
        "fee",
        "giftcard",
        "giftcards",
        "money",
        "owe",
        "pal",
        "pay",
        "paying",
        "paypal",
        "pounds",
        "quid",
        "send",
        "transfer",
        "usdt",
        "venmo",
        "wire",
        "zelle",
    ),
    patterns=[
        r"(?:pay|send|transfer|wire) (?:me |it |us )?(?:the )?(?:rest|more|now)?\s?(?:in |by |on "
        r"|via |with |through )?" + _PAY,
        r"(?:pay|send|buy) (?:me |us )?(?:a |an |some )?" + _PAY,
        r"(?:get|buy) (?:a |an |some )?(?:gift ?card|steam card|apple card|google play card|"
        r"amazon card|itunes card)",
        r"send (?:me )?the (?:code|card)",
        r"(?:pay|paying) (?:up|now|me)\b",
        r"{YOU} (?:owe|still owe) (?:me|us) " + _PAY,
        r"(?:\$ ?\d+|£ ?\d+|\d+ (?:dollars|pounds|bucks)) (?:more|left|now|or)\b",
        r"(?:in|on|by|via|through) (?:cash ?app|venmo|zelle|pay ?pal|bitcoin|btc|crypto|usdt)",
        r"(?:\$|£|€) ?\d+ (?:in |on |via |by )?(?:pay ?pal|cash ?app|venmo|zelle|btc|bitcoin|"
        r"crypto|usdt|gift ?cards?|steam|roblox|itunes|apple|amazon|google play)",
        r"(?:photo|pic|picture|screenshot) of the (?:code|card|back of the card)",
        r"(?:get|use|take|borrow) {YOUR} (?:mums?|moms?|dads?|parents\'?|mother\'?s|father\'?s) "
        r"(?:card|credit card|bank card|debit card)",
        r"(?:registration|portfolio|processing|admin|verification|unlock) fee",
    ],
    stage=Stage.EXPLOITATION,
    plain="demanded money, gift cards or crypto",
)
