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
        "much",
        "rest",
        "gift",
    ),
    patterns=[
        # a demand, not a report ("they will pay me 20 bucks", "he pays money to")
        r"(?<!will )(?<!would )(?<!could )(?<!gonna )(?<!to )(?<!they )(?<!he )(?<!she )"
        r"(?:pay|send|transfer|wire) (?:me|us) (?:the )?(?:rest |more )?(?:in |by |on |via )?"
        + _PAY,
        r"(?:pay|send|transfer|wire) (?:me |us )?(?:the rest |more )?(?:\$|£|€) ?\d+",
        r"(?:pay|send|buy) (?:me |us )(?:a |an |some )?(?:gift ?cards?|steam cards?|itunes cards?)",
        r"(?:get|buy) (?:a |an |some )?(?:gift ?card|steam card|apple card|google play card|"
        r"amazon card|itunes card)",
        r"send (?:me )?the (?:code|card)",
        r"pay up\b|pay (?:me )?now\b",
        r"{YOU} (?:owe|still owe) (?:me|us) " + _PAY,
        r"(?:\$|£|€) ?\d+ (?:in |on |via |by )?(?:pay ?pal|cash ?app|venmo|zelle|btc|bitcoin|"
        r"crypto|usdt|gift ?cards?|steam|roblox|itunes|apple|amazon|google play)",
        r"(?:photo|pic|picture|screenshot) of the (?:code|card|back of the card)",
        r"(?:get|use|take|borrow) {YOUR} (?:mums?|moms?|dads?|parents\'?|mother\'?s|father\'?s) "
        r"(?:card|credit card|bank card|debit card)",
        r"(?:registration|portfolio|processing|admin|verification|unlock) fee",
        r"(?:\$|£|€) ?\d+ or (?:a )?(?:gift ?cards?|cash ?app|crypto|bitcoin|btc|pay ?pal|venmo)",
        r"send (?:me )?\d+ (?:now|today|tonight|more)\b",
        r"gift ?cards? (?:then|now|instead)",
        r"how much (?:money )?(?:do )?{YOU} (?:have|got)",
        r"(?:now )?(?:send|pay|get) (?:me )?the rest\b",
    ],
    stage=Stage.EXPLOITATION,
    plain="demanded money, gift cards or crypto",
)
