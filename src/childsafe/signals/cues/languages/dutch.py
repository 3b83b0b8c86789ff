"""Dutch: the fourteen tactics as a groomer writes them in Dutch and Flemish chat (je/jij/jou,
ge/gij, ff/even, nie/niks, 'k, mam/pap), after the English modules and public guidance
(Helpwanted.nl, Meldpunt Kinderporno)."""

from childsafe.signals.cues.languages.lexicon import Lexicon
from childsafe.signals.cues.languages.phrasing import phrases

_SPELLINGS = {
    "JE": r"(?:je|jij|u|ge|gij)",
    "JOU": r"(?:jou|je|jij)",
    "JOUW": r"(?:je|jouw|jou|uw)",
    "JEZELF": r"(?:jezelf|je zelf|jij zelf|uzelf)",
    "IK": r"(?:ik|k)",
    "OUDERS": r"(?:ouders|ma|mam|mama|mams|moeder|pa|pap|papa|paps|vader|familie|broer|"
    r"broertje|zus|zusje)",
    "FOTO": r"(?:foto|foto's|fotos|fotootje|fotootjes|pic|pics|plaatje|plaatjes|selfie|selfies|"
    r"nude|nudes|naaktfoto|naaktfoto's|naaktfotos|video|video's|videos|filmpje|filmpjes)",
    "NIET": r"(?:niet|nie|ni)",
    "NIKS": r"(?:niks|niets|nix)",
    # fillers between a verb and its object: "stuur me ff een foto", "kom maar alleen"
    "EVEN": r"(?:(?:ff|even|effe|efkes|eens|es|nog|maar|nou|dan|gewoon|pls|aub) )*",
    "GETAL": r"(?:\d+|een|twee|drie|vijf|tien|vijftien|twintig|dertig|zestig)",
    "APPS": r"(?:snap|snapchat|whatsapp|whats ?app|insta|instagram|telegram|discord|skype|"
    r"tiktok|kik|facebook|threema|viber|wickr)",
}


LEXICON = Lexicon(
    code="nl",
    name="Dutch",
    spellings=_SPELLINGS,
    tactics={
        "secrecy": phrases(
            triggers=(
                "blijft",
                "blijven",
                "houden",
                "tussen",
                "onder",
                "geheim",
                "geheimpje",
                "hou",
                "houd",
                "houdt",
                "zeg",
                "vertel",
                "verklap",
                "niemand",
                "verwijder",
                "wis",
                "verwijderen",
                "wissen",
                "zodat",
                "erachter",
                "achter",
                "zien",
                "ziet",
                "ontdekken",
                "merken",
                "lezen",
                "vinden",
                "ontdekt",
                "merkt",
                "leest",
                "vindt",
                "verdwijnende",
                "koptelefoon",
                "oortjes",
                "weten",
                "weet",
            ),
            patterns=(
                r"(?:dit|dat|het|alles) blijft (?:wel |echt |gewoon )?(?:tussen|onder) ons",
                r"tussen (?:jou en mij|mij en jou|ons (?:tweeën|twee|beiden))|onder ons (?:blijven|"
                r"houden)",
                r"ons (?:kleine )?geheim(?:pje)?|blijft (?:een|ons) geheim(?:pje)?",
                r"(?:hou|houd|houdt) (?:het|dit|dat|alles) (?:wel |maar )?(?:geheim|voor {JEZELF}|"
                r"voor je|stil|onder ons|tussen ons)",
                r"(?:zeg|vertel|verklap)(?: het| dit| dat| er| maar| wel| aan| tegen)* niemand",
                r"(?:zeg|vertel|verklap) (?:het |dit |dat |er )?(?:maar )?(?:{NIKS}|{NIET}) "
                r"(?:tegen |aan )?{JOUW} (?:{OUDERS}|vrienden|vriendinnen|leraar|juf|meester)",
                r"(?:zeg|vertel) {JOUW} (?:{OUDERS}|vrienden|vriendinnen) (?:maar )?(?:{NIKS}|"
                r"{NIET})",
                r"niemand (?:hoeft|mag|moet) (?:het |dit |dat |er |ervan |hiervan )?(?:iets "
                r")?(?:van )?(?:te )?(?:weten|horen|zien)",
                r"(?:verwijder|wis) (?:de|deze|dit|onze|die|al|alle|{JOUW}|mijn|het) (?:chat|chats|"
                r"berichten|bericht|gesprek|gesprekken|appjes|{FOTO}|geschiedenis)",
                r"(?:chat|chats|berichten|gesprek|appjes|{FOTO}) (?:meteen |direct |daarna |wel "
                r")?(?:verwijderen|wissen)",
                r"zodat (?:niemand|{JOUW} {OUDERS}) (?:het |er |ons )?(?:iets )?(?:{NIET} "
                r")?(?:hoort|horen|ziet|zien|merkt|merken|weet|weten|ontdekt|ontdekken)",
                r"als {JOUW} {OUDERS} (?:het |dit |dat |ons )?(?:erachter komen|erachter komt|er "
                r"achter komen|zien|ziet|ontdekken|ontdekt|merken|merkt|lezen|leest|vinden|vindt)",
                r"verdwijnende berichten",
                r"(?:doe|zet) (?:{JOUW} )?(?:koptelefoon|oortjes) (?:op|in)",
                r"wat (?:ze|hij|zij|{JOUW} {OUDERS}) {NIET} (?:weten|weet)",
            ),
        ),
        "isolation": phrases(
            triggers=(
                "begrijpen",
                "begrijpt",
                "begrijp",
                "snappen",
                "snapt",
                "snap",
                "verdienen",
                "verdient",
                "waarderen",
                "waardeert",
                "kent",
                "ken",
                "enige",
            ),
            patterns=(
                r"{JOUW} {OUDERS} (?:begrijpen|begrijpt|snappen|snapt|verdienen|verdient|waarderen|"
                r"waardeert) {JOU} (?:gewoon |echt |toch |helemaal )?(?:{NIET}|nooit)\b",
                r"(?:ze|zij|hij) (?:begrijpen|begrijpt|snappen|snapt|verdienen|verdient) {JOU} "
                r"(?:gewoon |echt |toch |helemaal )?(?:{NIET}|nooit)\b",
                r"niemand (?:begrijpt|snapt|kent) {JOU} zoals {IK}",
                r"{IK} (?:begrijp|snap|ken) {JOU} beter dan (?:wie dan ook|iedereen|"
                r"{JOUW} {OUDERS})",
                r"{IK} ben de enige die {JOU} (?:echt )?(?:begrijpt|snapt)",
            ),
        ),
        "personal_info": phrases(
            triggers=(
                "oud",
                "woon",
                "woont",
                "welke",
                "je",
                "jouw",
                "jou",
                "uw",
                "wie",
                "heet",
                "geef",
                "stuur",
            ),
            patterns=(
                r"hoe oud (?:ben|bent|benne) {JE}|hoe oud benje",
                r"waar (?:woon|woont) {JE}",
                r"in welke (?:klas|groep) zit {JE}|(?:in|op|naar) welke (?:klas|school)|welke "
                r"school",
                r"wat is {JOUW} (?:adres|achternaam|volledige naam|telefoonnummer|school)",
                r"(?:in|uit) welke (?:stad|plaats|dorp|provincie)",
                r"(?:bij|met) wie woon {JE}",
                r"hoe heet {JOUW} school|hoe heet {JE} (?:van achteren|voluit)",
                r"(?:geef|stuur) (?:me |mij )?(?:de |het )?(?:nummer|snap|insta|account) van "
                r"{JOUW} (?:zus|zusje|broer|broertje|vriendin|vriendinnetje|nichtje)",
            ),
        ),
        "move_platform": phrases(
            triggers=(
                "stuur",
                "stuurt",
                "heb",
                "hebt",
                "heeft",
                "geef",
                "zeg",
                "je",
                "jouw",
                "jou",
                "uw",
                "laten",
                "zullen",
                "kunnen",
                "gaan",
                "ga",
                "bel",
                "app",
                "sms",
                "facetime",
                "kom",
                "privé",
                "prive",
                "privéchat",
                "privechat",
                "installeer",
                "haal",
                "neem",
                "06",
                "<digits>",
                "voeg",
                "adde",
            ),
            patterns=(
                r"(?:stuur|stuurt) (?:me |mij )?{EVEN}(?:een )?(?:berichtje |bericht |appje "
                r")?(?:op|via|over) {APPS}",
                r"(?:voeg|adde) (?:me|mij) {EVEN}(?:toe )?(?:op|via|aan) {APPS}",
                r"(?:heb|hebt|heeft) {JE} (?:ook |eigenlijk |al )?(?:een )?(?:{APPS}|mobiel|"
                r"telefoon|gsm)\b",
                r"(?:geef|stuur|zeg) (?:me |mij )?{EVEN}{JOUW} (?:nummer|06|telefoonnummer|"
                r"gsm-?nummer|{APPS})",
                r"wat is {JOUW} (?:nummer|06|telefoonnummer|gsm-?nummer|{APPS})",
                r"(?:laten we|zullen we|kunnen we|we kunnen|we gaan) {EVEN}(?:liever |beter |"
                r"verder )?(?:praten |chatten |appen |kletsen )?(?:verder )?(?:op|via|naar) {APPS}",
                r"(?:laten we|zullen we|kunnen we|we kunnen) {EVEN}(?:liever |eens )?(?:bellen|"
                r"facetimen|videobellen|videochatten|skypen|callen|(?:een )?(?:video)?call doen)",
                r"(?:bel|app|sms|facetime) (?:me|mij)\b",
                r"{IK} (?:bel|app) {JE}\b",
                r"kom {EVEN}(?:in |naar )?(?:mijn|onze|de|een) (?:privé ?|prive ?)?(?:call|vc|"
                r"voice|server|discord|kanaal)",
                r"(?:privé|prive) (?:server|chat|groep|call|gesprek)|privéchat|privechat",
                r"(?:installeer|haal|neem) {EVEN}{APPS}",
                r"(?:ga|gaan|zullen we|we gaan) {EVEN}(?:naar|over op|verder op|verder via) {APPS}",
                r"(?:\+31 ?6|06)[- ]?\d{{8}}|06[- ]?\d{{2}} \d{{2}} \d{{2}} \d{{2}}",
            ),
        ),
        "image_request": phrases(
            triggers=(
                "stuur",
                "stuurt",
                "verstuur",
                "laat",
                "toon",
                "zet",
                "doe",
                "aan",
                "heb",
                "hebt",
                "mag",
                "van",
                "draag",
                "draagt",
                "ruilen",
                "uitwisselen",
                "ruil",
                "voor",
                "jezelf",
                "zelf",
                "uzelf",
                "neem",
                "neemt",
                "ondergoed",
                "bikini",
                "bh",
                "badpak",
                "pyjama",
                "onderbroek",
                "slipje",
            ),
            patterns=(
                r"(?:stuur|stuurt|verstuur) (?:{JE} )?(?:me |mij )?{EVEN}(?:een |1 |nog een |wat |"
                r"meer |paar |een paar |{JOUW} )?{FOTO}"
                # a picture of a thing (the party, the receipt) is not a picture of the child
                r"(?! (?:van (?:de|het|een|mijn|ons|onze|jullie)|ervan)\b)",
                r"(?:laat|toon) (?:me |mij )?{EVEN}(?:{JEZELF}|{JOUW} (?:lichaam|buik|benen|"
                r"borsten|voeten|outfit|kamer)|meer|alles) (?:zien|eens zien)",
                r"(?:zet|doe) {JOUW} (?:camera|cam|webcam) {EVEN}aan|(?:camera|cam|webcam) aan\b",
                r"(?:heb|hebt) {JE} (?:een )?(?:webcam|cam|camera)",
                r"mag {IK} {EVEN}(?:een )?{FOTO} (?:van {JOU} )?(?:zien|hebben|krijgen)",
                r"{FOTO} van (?:jou|jezelf)|{FOTO} van je(?= ?[?!.,]|$)",
                r"wat heb {JE} (?:nu |nou |op dit moment )?aan|wat (?:draag|draagt) {JE}",
                r"{FOTO} (?:ruilen|uitwisselen)|(?:ruilen|ruil) (?:we )?{FOTO}|{FOTO} voor (?:een "
                r")?{FOTO}",
                r"(?:stuur|laat) (?:me |mij )?{EVEN}(?:iets|wat) (?:leuks|speciaals|pikants|sexy|"
                r"ondeugends|spannends|bloots)",
                r"film {JEZELF}|(?:neem|neemt) {JEZELF} op",
                r"{FOTO} (?:in|van {JOU} in) (?:{JOUW} |een )?(?:ondergoed|bikini|bh|badpak|pyjama|"
                r"onderbroek|slipje)",
            ),
        ),
        "meeting": phrases(
            triggers=(
                "afspreken",
                "ontmoeten",
                "zien",
                "ophalen",
                "halen",
                "haal",
                "alleen",
                "eentje",
                "kom",
                "logeren",
                "slapen",
                "overnachten",
                "sluip",
                "glip",
                "stiekem",
                "echt",
                "irl",
                "neem",
                "wacht",
            ),
            patterns=(
                r"(?:zullen|kunnen|gaan|moeten|willen) we (?:\w+ ){{0,4}}(?:afspreken|ontmoeten|"
                r"elkaar (?:zien|ontmoeten))",
                r"(?:laten we|we moeten) {EVEN}(?:een keer |snel |binnenkort )?(?:afspreken|"
                r"ontmoeten|elkaar (?:zien|ontmoeten))",
                r"(?:wanneer|waar) (?:kunnen|zullen|gaan) we (?:elkaar )?(?:afspreken|ontmoeten|"
                r"zien)",
                r"(?:wanneer|waar) zien we elkaar",
                r"{IK} (?:kom|kan) {JE} {EVEN}(?:wel )?(?:ophalen|halen)|{IK} haal {JE} "
                r"{EVEN}(?:wel )?op",
                r"kom {EVEN}(?:wel )?(?:alleen|in {JOUW} eentje)",
                r"kom {EVEN}(?:naar mij(?: toe)?|bij mij(?: thuis)?|naar mijn (?:huis|kamer|auto))",
                r"{IK} kom {EVEN}(?:wel |graag )?(?:naar {JOU} toe|bij {JOU} langs)",
                r"(?:blijf|blijven) (?:bij mij )?slapen|bij mij (?:slapen|logeren|overnachten)",
                r"(?:sluip|glip) (?:naar buiten|weg|stiekem)|stiekem (?:weg|naar buiten)",
                r"in het echt (?:afspreken|ontmoeten|zien)|(?:afspreken|ontmoeten) in het echt|irl "
                r"(?:afspreken|ontmoeten)",
                r"neem (?:niemand|geen vrienden|geen vriendinnen|{JOUW} (?:{OUDERS}|vrienden) "
                r"{NIET}) mee",
                r"{IK} wacht (?:om de hoek|bij de hoek|achter de school)",
            ),
        ),
        "sexual": phrases(
            triggers=(
                "seks",
                "seksueel",
                "seksuele",
                "geil",
                "geile",
                "geiler",
                "opgewonden",
                "naakt",
                "naaktfoto",
                "naaktfotos",
                "bloot",
                "pik",
                "lul",
                "piemel",
                "kutje",
                "tieten",
                "borsten",
                "tepels",
                "masturberen",
                "aftrekken",
                "af",
                "vingeren",
                "klaarkomen",
                "orgasme",
                "pijpen",
                "pijpbeurt",
                "beffen",
                "neuken",
                "vrijen",
                "maagd",
                "condoom",
                "condooms",
                "slipje",
                "slipjes",
                "raak",
                "betast",
                "streel",
                "aanraken",
                "betasten",
                "mij",
                "jou",
                "elkaar",
            ),
            patterns=(
                r"seks|seksue(?:el|le)",
                r"geil(?:e|er)?|(?:ben|word|wordt|maakt) {JE} (?:al )?opgewonden",
                r"naakt|naaktfoto'?s?|helemaal bloot",
                r"(?:mijn|je|jouw|zijn) (?:pik|lul|piemel)|kutje|tieten|borsten|tepels",
                r"masturberen|(?:{JEZELF}|mij|me) aftrekken|trek {JE} (?:{JEZELF} )?af",
                r"vingeren|klaarkomen|orgasme|(?:mij|me|hem) pijpen|pijpbeurt|beffen|neuken|vrijen",
                r"nog maagd|condooms?|slipjes?",
                r"(?:raak|betast|streel) {JEZELF}(?: aan)?|{JEZELF} (?:aanraken|betasten)",
                r"met (?:mij|jou|elkaar) naar bed",
            ),
        ),
        "gifts_flattery": phrases(
            triggers=(
                "bent",
                "ziet",
                "koop",
                "geef",
                "stuur",
                "schenk",
                "gratis",
                "hou",
                "prinses",
                "prinsesje",
                "mooie",
                "schoonheid",
                "knappe",
                "enige",
                "begrijpt",
                "snapt",
                "denken",
                "denk",
                "vertrouwen",
                "vertrouw",
                "vriendje",
                "vriendin",
                "vriendinnetje",
            ),
            patterns=(
                r"{JE} bent (?:zo |echt |heel |super |erg |best |wel |gewoon |toch )*(?:mooi|knap|"
                r"schattig|sexy|heet|speciaal|prachtig|beeldschoon|perfect|bijzonder)\b",
                r"{JE} ziet er (?:zo |echt |heel |super |erg |best |wel )*(?:mooi|goed|knap|"
                r"schattig|sexy|heet|leuk|prachtig|lekker|geweldig|ouder) uit",
                r"{IK} (?:koop|geef|stuur|schenk) {JE} (?:wel |ook |gewoon )*(?:een |nieuwe |\d+ "
                r")?(?:robux|v-?bucks|vbucks|nitro|skins?|cadeau|cadeautje|geld|telefoon|kleren|"
                r"battle ?pass|gems|coins|cadeaukaart|tegoed)",
                r"{IK} koop (?:iets|wat) (?:moois |leuks )?voor {JOU}",
                r"gratis (?:robux|v-?bucks|vbucks|nitro|skins)",
                r"{IK} hou (?:zo(?:veel)? |echt )?van {JOU}",
                r"prinsesje|mijn prinses",
                r"(?:hey|hoi|hallo|hi|goedemorgen|welterusten) (?:mooie|schoonheid|knappe|"
                r"prinses)\b",
                r"{JE} bent (?:de )?enige die (?:mij|me) (?:echt )?(?:begrijpt|snapt)",
                r"niemand (?:begrijpt|snapt) (?:mij|me) zoals {JE}",
                r"{IK} (?:moet|kan) (?:steeds|de hele tijd|alleen maar) aan {JOU} denken",
                r"{IK} denk (?:de hele tijd|steeds|altijd|elke dag|elke nacht|constant) aan {JOU}",
                r"{JE} kan (?:mij|me) vertrouwen|vertrouw {JE} (?:mij|me)",
                r"wil {JE} (?:mijn )?(?:vriendinnetje|vriendin|vriendje) (?:zijn|worden)",
            ),
        ),
        "threat_sextortion": phrases(
            triggers=(
                "anders",
                "je",
                "jouw",
                "jou",
                "uw",
                "iedereen",
                "heb",
                "weet",
                "schuldig",
                "betaalt",
                "betaald",
                "stuurt",
                "doet",
            ),
            patterns=(
                r"anders (?:stuur|post|deel|zet|laat|verspreid|lek|upload|vertel) {IK} (?:ze|het|"
                r"die|{JOUW}|alles|de|iedereen)\b",
                r"{IK} (?:stuur|post|deel|zet|verspreid|lek|upload|laat) (?:alle )?{JOUW} "
                r"(?:{FOTO}|chats|berichten) (?:(?:naar|aan) (?:iedereen|al {JOUW}|{JOUW} "
                r"(?:{OUDERS}|vrienden|school|klas|volgers))|overal|rond|op internet)",
                r"{IK} (?:stuur|laat|post|deel) (?:het|ze|die|alles|dit|de {FOTO}|{JOUW} {FOTO}) "
                r"(?:naar |aan )?(?:{JOUW} (?:{OUDERS}|vrienden|school|klas|volgers|leraar)|"
                r"iedereen|al {JOUW})",
                r"iedereen (?:gaat|zal|krijgt) (?:het |ze |{JOUW} {FOTO} |de {FOTO} )?(?:zien|te "
                r"zien)",
                r"{IK} (?:vertel|zeg) (?:het |alles )?(?:tegen |aan )?{JOUW} (?:{OUDERS}|vrienden|"
                r"school|leraar|juf)",
                r"{JOUW} (?:volgers|vrienden) ?lijst|{JOUW} lijst met volgers",
                r"{IK} heb (?:screenshots|{FOTO}|opnames|alles) van {JOU}",
                r"{IK} heb (?:alles|{JOUW} {FOTO}|de {FOTO}|onze chats|de chat) (?:opgeslagen|"
                r"gescreenshot|bewaard|opgenomen)",
                r"(?:verpest|ruïneer|ruineer) {JOUW} leven|maak {JOUW} leven kapot",
                r"{IK} weet (?:precies )?waar {JE} (?:woont|woon|op school zit)",
                r"{JE} bent (?:me|mij) (?:nog )?(?:iets )?schuldig",
                r"als {JE} {NIET} (?:betaalt|betaald|stuurt|doet),? (?:dan )?(?:stuur|post|deel|"
                r"zet|laat|vertel) {IK}",
                r"{JOUW} {FOTO} (?:gaan|komen|staan) (?:straks |morgen )?(?:online|overal|op "
                r"internet|viral)",
            ),
        ),
        "risk_assessment": phrases(
            triggers=("alleen", "eentje", "je", "jouw", "jou", "uw", "wie", "iemand", "deur"),
            patterns=(
                r"ben {JE} (?:nu |nou |op dit moment )?(?:helemaal )?(?:alleen|in {JOUW} eentje)",
                r"alleen thuis|(?:alleen|in {JOUW} eentje) op {JOUW} kamer",
                r"(?:zijn|is) {JOUW} {OUDERS} (?:nu |nou |al |nog |er )?(?:thuis|weg|er|aan het "
                r"werk|naar bed|wakker|op hun werk|de deur uit|aan het slapen|uit)",
                r"(?:slapen|slaapt) {JOUW} {OUDERS}",
                r"wanneer (?:komen|komt|gaan|gaat) {JOUW} {OUDERS} (?:thuis|terug|slapen|naar bed|"
                r"weg|de deur uit|naar hun werk)",
                r"(?:checken|checkt|controleren|controleert|kijken|kijkt|lezen|leest) {JOUW} "
                r"{OUDERS} (?:in |op |mee )?(?:{JOUW} )?(?:telefoon|mobiel|gsm|berichten|chats?|"
                r"appjes|whatsapp|laptop)",
                r"wie (?:leest|checkt|ziet|controleert) {JOUW} (?:telefoon|mobiel|berichten|chats?|"
                r"appjes)",
                r"is er (?:nog )?iemand (?:bij {JOU}|thuis|op {JOUW} kamer)",
                r"(?:zit|is) {JOUW} deur (?:op slot|dicht)",
                r"wie is er (?:nog )?(?:bij {JOU}|thuis)",
                r"weten {JOUW} {OUDERS} (?:dit|dat|het|hiervan|ervan|van mij|van ons)",
                r"{JOUW} {OUDERS} (?:merken|merkt|zien|ziet|checken) (?:het |er )?(?:toch |eh |"
                r"heus )?(?:{NIKS}|{NIET})",
            ),
        ),
        "age_deception": phrases(
            triggers=(
                "eigenlijk",
                "echt",
                "eerlijk",
                "stiekem",
                "ouder",
                "gelogen",
                "leeftijd",
                "leeftijdsverschil",
                "volwassen",
                "volwassener",
                "andere",
                "lijkt",
                "komt",
                "doet",
                "oud",
                "oude",
            ),
            patterns=(
                r"{IK} ben (?:eigenlijk|echt|eerlijk gezegd|in het echt|stiekem) (?:al )?(?:1[89]|"
                r"[2-6]\d)",
                r"{IK} ben (?:wat |een beetje |iets |een paar jaar |veel )?ouder dan (?:{IK} zei|"
                r"{JE} denkt|op mijn profiel|{IK} lijk)",
                r"{IK} heb (?:gelogen over mijn leeftijd|over mijn leeftijd gelogen)",
                r"mijn (?:echte|ware) leeftijd",
                r"leeftijd is (?:maar|slechts|gewoon) (?:een )?(?:getal|nummer)",
                r"(?:leeftijd|het leeftijdsverschil|leeftijdsverschil) (?:maakt|doet) (?:toch |"
                r"echt )?(?:{NIET}|{NIKS}) uit",
                r"volwassen voor {JOUW} leeftijd|(?:veel )?volwassener dan (?:andere|de andere)",
                r"{NIET} zoals (?:de )?andere (?:meisjes|jongens|kinderen)",
                r"{JE} (?:lijkt|komt over als|doet) (?:veel |zo |echt )?ouder",
                r"(?:vertel|zeg) (?:het )?(?:niemand|{JOUW} {OUDERS} {NIET}) hoe oud {IK} ben",
                r"mijn oude (?:account|acc) (?:is|werd) (?:gehackt|verwijderd|geband|geblokkeerd)",
            ),
        ),
        "payment_demand": phrases(
            triggers=(
                "stuur",
                "maak",
                "betaal",
                "geef",
                "schuif",
                "koop",
                "haal",
                "betalen",
                "schuldig",
                "hoeveel",
                "pak",
                "neem",
                "gebruik",
                "euro",
                "eur",
                "<money>",
            ),
            patterns=(
                r"(?:stuur|maak|betaal|geef|schuif) (?:me|mij|ons) (?:nu |meteen |direct |snel |de "
                r"rest |nog )?(?:het geld|geld|\d+ ?(?:euro|eur|€)|€ ?\d+|paysafecards?|"
                r"cadeaukaart(?:en)?|bitcoins?|btc|crypto|de code|de codes|tegoed)",
                r"(?:koop|haal) (?:een |wat |paar )?(?:paysafecards?|(?:google play|apple|itunes|"
                r"steam|bol|amazon)[- ]?(?:kaart|cadeaukaart|bon|tegoed)(?:en|je)?|cadeaukaarten?)",
                r"(?:stuur|geef) (?:me |mij )?(?:de|die) (?:code|codes|pincode|(?:paysafecard|"
                r"cadeaukaart)-?code)",
                r"(?:betaal|betalen) (?:nu|meteen|nou|direct)\b",
                r"{JE} bent (?:me|mij) (?:nog )?(?:\d+ ?(?:euro|€)?|geld) schuldig",
                r"hoeveel geld heb {JE}",
                r"(?:pak|neem|gebruik) (?:de )?(?:pas|bankpas|creditcard|pinpas) van {JOUW} "
                r"{OUDERS}",
                r"(?:\d+ (?:euro|eur)|\d+ ?€) (?:via|per|in|op) (?:tikkie|paypal|paysafecard|"
                r"bitcoin|crypto|cadeaukaarten?)",
                r"(?:stuur|betaal|maak) (?:me |mij )?de rest(?: over)?",
            ),
        ),
        "countdown": phrases(
            triggers=(
                "hebt",
                "heb",
                "heeft",
                "tijd",
                "om",
                "tak",
                "tiktak",
                "laatste",
                "middernacht",
                "vanavond",
                "morgenochtend",
                "morgen",
                "loopt",
                "begint",
                "begonnen",
            ),
            patterns=(
                r"{JE} (?:hebt|heb|heeft) (?:nog |maar |precies )*{GETAL} (?:minuten|min|uur|"
                r"seconden|sec)",
                r"\d+ (?:minuten|min|uur|seconden) (?:de tijd|om te (?:betalen|sturen|beslissen|"
                r"reageren))",
                r"tik,? ?tak|tiktak",
                r"de tijd (?:loopt (?:af|weg)|tikt|is (?:bijna )?om|raakt op)",
                r"laatste (?:kans|waarschuwing)",
                r"voor (?:middernacht|vanavond|morgenochtend|morgen) (?:of|anders)",
                r"(?:de )?countdown (?:loopt|begint|is begonnen)",
            ),
        ),
        "dares_self_harm": phrases(
            triggers=(
                "snij",
                "kras",
                "jezelf",
                "zelf",
                "uzelf",
                "verwond",
                "loyaliteit",
                "missen",
                "wereld",
                "zeggen",
                "zeg",
                "zegt",
                "naam",
                "bloed",
            ),
            patterns=(
                r"(?:snij|kras|brand|verwond) {JEZELF} (?:voor (?:mij|ons)|op (?:de )?(?:cam|"
                r"camera)|live|en (?:stuur|laat|film)|als bewijs)",
                r"(?:kras|snij) (?:mijn|onze|de) naam",
                r"(?:bewijs|toon|laat) (?:ons |mij )?{JOUW} loyaliteit",
                r"niemand (?:zou|gaat) {JOU} missen",
                r"de wereld is beter (?:af )?zonder {JOU}",
                r"{JE} doet (?:alles )?wat (?:wij|ik|de groep) (?:zeggen|zeg|zegt)",
                r"bloed voor (?:ons|mij|de camera)",
            ),
        ),
    },
)
